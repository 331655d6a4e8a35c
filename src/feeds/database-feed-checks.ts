/**
 * Checks of a database feed that need its mapping, made when the feeds file loads so a mistake is
 * reported at start with its place, not at 3 a.m. by the first run: the mapping has a `database`
 * section, a polling feed has a `changed_since` query, and every `:name` the queries use has a
 * value. (The URL itself is read from the environment at each run: it may be rotated.)
 */
import type { Mapping } from '../mappings/mapping-schema.js';
import { tableQuerySql } from '../sources/table-query.js';
import { translateNamedParameters } from '../sources/sql-parameters.js';
import type { FeedConfig } from './feed-schema.js';

/** The `:name` parameters a query uses; none when it cannot be scanned (the database will say why). */
function parameterNames(sql: string): string[] {
  try {
    return translateNamedParameters(sql, 'postgres').names;
  } catch {
    return [];
  }
}

export function databaseFeedProblems(config: FeedConfig, mapping: Mapping, where: string): string[] {
  if (!('database' in config.source)) {
    return config.poll
      ? [`${where} > poll: only a database source can be polled (this feed reads a CSV file)`]
      : [];
  }
  const section = mapping.database;
  if (!section) {
    return [
      `${where} > mapping: "${mapping.name}" has no \`database\` section: a database source needs its query or table`,
    ];
  }
  const problems: string[] = [];
  const given = { ...section.parameters, ...config.source.database.parameters };
  const main = section.query ?? tableQuerySql({ ...section, table: section.table ?? '' }, 'postgres');
  const check = (sql: string, extra: string[], what: string) => {
    const missing = parameterNames(sql).filter((n) => !Object.hasOwn(given, n) && !extra.includes(n));
    if (missing.length > 0) {
      problems.push(
        `${where} > source > database > parameters: no value for ${missing.map((n) => `:${n}`).join(', ')} (used by the mapping's ${what})`,
      );
    }
  };
  check(main, [], 'database query');
  if (config.poll) {
    if (!section.changed_since) {
      problems.push(
        `${where} > poll: the mapping "${mapping.name}" has no \`database.changed_since\` query to poll with`,
      );
    } else {
      check(section.changed_since.query, ['since'], 'changed_since query');
    }
  }
  return problems;
}
