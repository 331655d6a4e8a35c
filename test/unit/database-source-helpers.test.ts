import { describe, expect, it } from 'vitest';
import {
  databaseMessage,
  isRetryableDatabaseError,
  queryForMessage,
} from '../../src/sources/database-error.js';
import { DatabaseUrlError, databaseUrlFromEnv, withoutSecrets } from '../../src/sources/database-url.js';
import { mysqlCellText } from '../../src/sources/mysql-source.js';
import { tableQuerySql } from '../../src/sources/table-query.js';

describe('database URL from the environment', () => {
  it.each([
    ['postgres://reader:s3cr%40t@db.internal:5432/pms', 'postgres', 'postgres://reader@db.internal:5432/pms'],
    ['postgresql://db/pms?sslmode=require', 'postgres', 'postgresql://db/pms'],
    ['mysql://reader:pw@10.0.0.5:3306/pms', 'mysql', 'mysql://reader@10.0.0.5:3306/pms'],
    ['mariadb://reader:pw@db/pms', 'mysql', 'mariadb://reader@db/pms'],
  ])('%s', (url, dialect, description) => {
    const parsed = databaseUrlFromEnv({ PMS_DATABASE_URL: url }, 'PMS_DATABASE_URL');
    expect(parsed.dialect).toBe(dialect);
    expect(parsed.description).toBe(description);
    expect(parsed.description).not.toMatch(/pw|s3cr/);
  });

  it('hides the password as written and decoded', () => {
    const parsed = databaseUrlFromEnv({ X_DATABASE_URL: 'postgres://u:s3cr%40t@h/d' }, 'X_DATABASE_URL');
    expect(parsed.secrets.sort()).toEqual(['s3cr%40t', 's3cr@t']);
    expect(withoutSecrets('login s3cr@t / s3cr%40t failed', parsed.secrets)).toBe(
      'login [REDACTED] / [REDACTED] failed',
    );
  });

  it('hands mysql2 a mysql:// URL for MariaDB', () => {
    expect(databaseUrlFromEnv({ X_DATABASE_URL: 'mariadb://u@h/d' }, 'X_DATABASE_URL').url).toBe(
      'mysql://u@h/d',
    );
  });

  it.each([
    [{}, 'PMS_DATABASE_URL is not set'],
    [{ PMS_DATABASE_URL: 'not a url with password hunter2' }, 'PMS_DATABASE_URL is not a URL'],
    [{ PMS_DATABASE_URL: 'sqlserver://u:hunter2@h/d' }, 'the scheme sqlserver:// is not supported'],
  ])('names the variable, never its value: %j', (env, message) => {
    const err = (() => {
      try {
        databaseUrlFromEnv(env, 'PMS_DATABASE_URL');
      } catch (e) {
        return e as Error;
      }
      throw new Error('no error');
    })();
    expect(err).toBeInstanceOf(DatabaseUrlError);
    expect(err.message).toContain(message);
    expect(err.message).not.toContain('hunter2');
  });
});

describe('database errors', () => {
  it.each([
    [{ message: 'relation "x" does not exist', code: '42P01' }, false],
    [{ message: 'password authentication failed', code: '28P01' }, false],
    [{ message: 'cannot execute DELETE in a read-only transaction', code: '25006' }, false],
    [{ message: 'division by zero', code: '22012' }, false],
    [{ message: "Table 'pms.x' doesn't exist", code: 'ER_NO_SUCH_TABLE', sqlState: '42S02' }, false],
    [{ message: 'canceling statement due to statement timeout', code: '57014' }, true],
    [{ message: 'terminating connection due to administrator command', code: '57P01' }, true],
    [{ message: 'connect ECONNREFUSED 127.0.0.1:5432', code: 'ECONNREFUSED' }, true],
    [{ message: 'Connection terminated unexpectedly' }, true],
    [{ message: 'Connection lost', code: 'PROTOCOL_CONNECTION_LOST' }, true],
  ])('%j is retryable: %s', (err, retryable) => {
    expect(isRetryableDatabaseError(err)).toBe(retryable);
  });

  it('says what the database said, with its codes', () => {
    expect(databaseMessage({ message: 'relation "x" does not exist', code: '42P01' })).toBe(
      'relation "x" does not exist (SQLSTATE 42P01)',
    );
    expect(
      databaseMessage({ message: "Table 'x' doesn't exist", code: 'ER_NO_SUCH_TABLE', sqlState: '42S02' }),
    ).toBe("Table 'x' doesn't exist (ER_NO_SUCH_TABLE, SQLSTATE 42S02)");
    expect(databaseMessage(new Error('Connection terminated unexpectedly'))).toBe(
      'Connection terminated unexpectedly',
    );
  });

  it('shows a query on one line, cut to length', () => {
    expect(queryForMessage('SELECT a,\n       b\n  FROM t')).toBe('SELECT a, b FROM t');
    expect(queryForMessage(`SELECT ${'x, '.repeat(200)}y`, 40)).toHaveLength(40);
  });
});

describe('the query for a table', () => {
  it.each([
    [{ table: 'residents' }, 'postgres', 'SELECT * FROM "residents"'],
    [
      { table: 'pms.residents', columns: ['Move In', 'email'] },
      'postgres',
      'SELECT "Move In", "email" FROM "pms"."residents"',
    ],
    [
      { table: 'pms.residents', columns: ['Move In'], where: 'code = :code' },
      'mysql',
      'SELECT `Move In` FROM `pms`.`residents` WHERE code = :code',
    ],
  ] as const)('%j (%s)', (read, dialect, sql) => {
    expect(tableQuerySql(read, dialect)).toBe(sql);
  });
});

describe('MySQL cells as text', () => {
  it.each([
    [null, ''],
    [undefined, ''],
    ['2026-11-01', '2026-11-01'],
    [42, '42'],
    [Buffer.from('Gómez'), 'Gómez'],
    [{ a: 1 }, '{"a":1}'],
  ])('%j -> %j', (value, text) => {
    expect(mysqlCellText(value)).toBe(text);
  });
});
