import { describe, expect, it } from 'vitest';
import {
  SqlParameterError,
  parameterValues,
  translateNamedParameters,
  type SqlDialect,
} from '../../src/sources/sql-parameters.js';

describe('named parameters -> driver placeholders', () => {
  it.each<[string, SqlDialect, string, string, string[]]>([
    ['one parameter', 'postgres', 'WHERE code = :code', 'WHERE code = $1', ['code']],
    ['one parameter', 'mysql', 'WHERE code = :code', 'WHERE code = ?', ['code']],
    [
      'a name used twice keeps its number',
      'postgres',
      'a > :since OR b > :since AND c = :p',
      'a > $1 OR b > $1 AND c = $2',
      ['since', 'p'],
    ],
    [
      'a name used twice is sent twice',
      'mysql',
      'a > :since OR b > :since AND c = :p',
      'a > ? OR b > ? AND c = ?',
      ['since', 'since', 'p'],
    ],
    ['a cast is not a parameter', 'postgres', 'SELECT :d::date, x::text', 'SELECT $1::date, x::text', ['d']],
    [
      'a colon in a string is text',
      'postgres',
      "SELECT ':no', 'it''s :no' WHERE a = :yes",
      "SELECT ':no', 'it''s :no' WHERE a = $1",
      ['yes'],
    ],
    [
      'a colon in a string is text',
      'mysql',
      "SELECT ':no', 'it\\'s :no', \":no\" WHERE a = :yes",
      "SELECT ':no', 'it\\'s :no', \":no\" WHERE a = ?",
      ['yes'],
    ],
    [
      'an E string escapes with backslashes',
      'postgres',
      "SELECT E'\\' :no' , :yes",
      "SELECT E'\\' :no' , $1",
      ['yes'],
    ],
    [
      'a quoted identifier is a name',
      'postgres',
      'SELECT "a:b" FROM t WHERE x = :x',
      'SELECT "a:b" FROM t WHERE x = $1',
      ['x'],
    ],
    [
      'a back-quoted identifier is a name',
      'mysql',
      'SELECT `a:b` FROM t WHERE x = :x',
      'SELECT `a:b` FROM t WHERE x = ?',
      ['x'],
    ],
    [
      'comments are skipped',
      'postgres',
      'SELECT 1 -- :no\n/* :no /* :nested */ :no */ WHERE a = :yes',
      'SELECT 1 -- :no\n/* :no /* :nested */ :no */ WHERE a = $1',
      ['yes'],
    ],
    [
      'a hash starts a comment',
      'mysql',
      'SELECT 1 # :no\nWHERE a = :yes',
      'SELECT 1 # :no\nWHERE a = ?',
      ['yes'],
    ],
    [
      'a dollar-quoted string is text',
      'postgres',
      'SELECT $$ :no $$, $tag$ :no $$ $tag$, :yes',
      'SELECT $$ :no $$, $tag$ :no $$ $tag$, $1',
      ['yes'],
    ],
    ['an assignment is not a parameter', 'mysql', 'SET @a := :v', 'SET @a := ?', ['v']],
    [
      'a time literal is not a parameter',
      'postgres',
      "SELECT '10:30'::time, :t",
      "SELECT '10:30'::time, $1",
      ['t'],
    ],
    ['names end at the first other character', 'postgres', '(:a,:b_2)', '($1,$2)', ['a', 'b_2']],
  ])('%s (%s)', (_label, dialect, sql, text, order) => {
    const t = translateNamedParameters(sql, dialect);
    expect(t.text).toBe(text);
    expect(t.order).toEqual(order);
  });

  it.each<[SqlDialect, string]>([
    ['postgres', 'WHERE a = $1'],
    ['mysql', 'WHERE a = ?'],
  ])('refuses the driver’s own placeholders (%s): %s', (dialect, sql) => {
    expect(() => translateNamedParameters(sql, dialect)).toThrow(SqlParameterError);
  });

  it('leaves PostgreSQL placeholders inside strings and a jsonb ? operator alone', () => {
    expect(translateNamedParameters("SELECT '$1', doc ? 'k' FROM t", 'postgres').text).toBe(
      "SELECT '$1', doc ? 'k' FROM t",
    );
  });

  it('gives the values in placeholder order, and names every missing one at once', () => {
    const t = translateNamedParameters('a = :x AND b = :y AND c = :x', 'mysql');
    expect(parameterValues(t, { x: 1, y: 'two', z: true })).toEqual([1, 'two', 1]);
    expect(() => parameterValues(translateNamedParameters(':a :b :c', 'postgres'), { b: 1 })).toThrow(
      'no value for :a, :c',
    );
  });
});
