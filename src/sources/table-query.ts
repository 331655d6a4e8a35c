/**
 * The SELECT for a mapping that names a table or view instead of writing a query: identifiers
 * quoted the dialect's way, so a column like `Move In` or a reserved word reads as a name.
 */
import type { SqlDialect } from './sql-parameters.js';

export interface TableRead {
  /** `table` or `schema.table`. */
  table: string;
  /** Default: every column. */
  columns?: readonly string[] | undefined;
  /** An SQL condition, possibly with `:named` parameters. */
  where?: string | undefined;
}

export function quoteIdentifier(name: string, dialect: SqlDialect): string {
  const q = dialect === 'mysql' ? '`' : '"';
  return `${q}${name.split(q).join(q + q)}${q}`;
}

export function tableQuerySql(read: TableRead, dialect: SqlDialect): string {
  const table = read.table
    .split('.')
    .map((part) => quoteIdentifier(part, dialect))
    .join('.');
  const columns = read.columns?.map((c) => quoteIdentifier(c, dialect)).join(', ') ?? '*';
  return `SELECT ${columns} FROM ${table}${read.where ? ` WHERE ${read.where}` : ''}`;
}
