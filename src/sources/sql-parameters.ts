/**
 * Named parameters in a mapping's SQL (`WHERE p.code = :property`) become the driver's own
 * placeholders: `$1`, `$2` … for PostgreSQL (a name used twice keeps its number), `?` for MySQL /
 * MariaDB (one per use). Values are always sent apart from the SQL text, never written into it.
 *
 * The scan skips what is not SQL code: string literals ('…', E'…' and $tag$…$tag$ in PostgreSQL,
 * "…" and backslash escapes in MySQL), quoted identifiers ("…" in PostgreSQL, `…` in MySQL) and
 * comments (-- …, /* … *\/, # … in MySQL), and PostgreSQL casts (`x::date`), so a colon there is
 * never taken for a parameter. The driver's own placeholders ($1 in PostgreSQL, ? in MySQL) are
 * refused outside those places: a query says what it needs by name.
 */

export type SqlDialect = 'postgres' | 'mysql';

export interface TranslatedSql {
  /** The SQL with the driver's placeholders. */
  text: string;
  /** The parameter name of each placeholder, in the order the driver numbers them. */
  order: string[];
  /** Each name once, in order of first use. */
  names: string[];
}

export class SqlParameterError extends Error {
  override readonly name = 'SqlParameterError';
}

const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_]/;

/** Translates `:name` parameters for a dialect; throws SqlParameterError on a positional placeholder. */
export function translateNamedParameters(sql: string, dialect: SqlDialect): TranslatedSql {
  const mysql = dialect === 'mysql';
  const order: string[] = [];
  const numbers = new Map<string, number>();
  let out = '';
  let i = 0;
  const copyUntil = (end: number) => {
    out += sql.slice(i, end);
    i = end;
  };

  while (i < sql.length) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    if (c === "'") {
      const escaped = mysql || isEscapeStringPrefix(sql, i);
      copyUntil(endOfQuoted(sql, i, "'", escaped));
    } else if (c === '"') {
      copyUntil(endOfQuoted(sql, i, '"', mysql));
    } else if (c === '`' && mysql) {
      copyUntil(endOfQuoted(sql, i, '`', false));
    } else if (c === '-' && next === '-') {
      copyUntil(endOfLine(sql, i));
    } else if (c === '#' && mysql) {
      copyUntil(endOfLine(sql, i));
    } else if (c === '/' && next === '*') {
      copyUntil(endOfBlockComment(sql, i, !mysql));
    } else if (c === '$' && !mysql) {
      const tag = dollarTag(sql, i);
      if (tag !== undefined) {
        const close = sql.indexOf(tag, i + tag.length);
        copyUntil(close < 0 ? sql.length : close + tag.length);
      } else if (/\d/.test(next ?? '') && !NAME_PART.test(sql[i - 1] ?? ' ')) {
        throw new SqlParameterError(
          `the query uses the positional placeholder ${c}${next ?? ''}; name parameters instead, e.g. :property`,
        );
      } else {
        copyUntil(i + 1);
      }
    } else if (c === '?' && mysql) {
      throw new SqlParameterError(
        'the query uses the placeholder ?; name parameters instead, e.g. :property',
      );
    } else if (c === ':' && next === ':' && !mysql) {
      copyUntil(i + 2); // a cast, x::date
    } else if (c === ':' && NAME_START.test(next ?? '') && sql[i - 1] !== ':') {
      let end = i + 1;
      while (end < sql.length && NAME_PART.test(sql[end] as string)) end++;
      const name = sql.slice(i + 1, end);
      order.push(name);
      if (mysql) out += '?';
      else {
        let n = numbers.get(name);
        if (n === undefined) numbers.set(name, (n = numbers.size + 1));
        out += `$${n}`;
      }
      i = end;
    } else {
      copyUntil(i + 1);
    }
  }
  return { text: out, order: mysql ? order : [...numbers.keys()], names: [...new Set(order)] };
}

/** PostgreSQL's E'…' (or e'…') string, where backslashes escape; not the end of a word like `type'`. */
function isEscapeStringPrefix(sql: string, quote: number): boolean {
  const prefix = sql[quote - 1];
  return (prefix === 'E' || prefix === 'e') && !NAME_PART.test(sql[quote - 2] ?? ' ');
}

/** Index just past a quoted run starting at `start`; a doubled quote is one quote inside it. */
function endOfQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslashEscapes && c === '\\') i += 2;
    else if (c === quote && sql[i + 1] === quote) i += 2;
    else if (c === quote) return i + 1;
    else i++;
  }
  return sql.length; // unterminated: the database will say so
}

function endOfLine(sql: string, start: number): number {
  const nl = sql.indexOf('\n', start);
  return nl < 0 ? sql.length : nl + 1;
}

/** PostgreSQL block comments nest; MySQL's do not. */
function endOfBlockComment(sql: string, start: number, nests: boolean): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth = nests ? depth + 1 : 1;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return sql.length;
}

/** The opening `$tag$` of a PostgreSQL dollar-quoted string at `start`, if one starts there. */
function dollarTag(sql: string, start: number): string | undefined {
  if (NAME_PART.test(sql[start - 1] ?? ' ')) return undefined; // part of an identifier like a$b
  const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(start, start + 66));
  return m ? m[0] : undefined;
}

export type ParameterValue = string | number | boolean | null;

/**
 * The values to send, in placeholder order. Every name the query uses must have a value; the
 * error lists every missing one at once.
 */
export function parameterValues(
  translated: TranslatedSql,
  values: Readonly<Record<string, ParameterValue>>,
): ParameterValue[] {
  const missing = translated.names.filter((n) => !Object.hasOwn(values, n));
  if (missing.length > 0) {
    throw new SqlParameterError(
      `no value for ${missing.map((n) => `:${n}`).join(', ')}; give ${missing.length > 1 ? 'them' : 'it'} under \`parameters\` in the mapping's database section or the feed's source`,
    );
  }
  return translated.order.map((n) => values[n] as ParameterValue);
}
