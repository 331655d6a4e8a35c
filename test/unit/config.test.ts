import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.js';

const KEY_2026 = 'https://openapp.house_openapp_s3cr3t-value';
const ORG = '01JHMXBCG0MXAGCV3XK95ZJ3N0';

function problemsOf(env: Record<string, string>, needs = { openapp: true }): string[] {
  try {
    parseConfig(env, needs);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('parseConfig', () => {
  it('takes the base URL from a key when OPENAPP_API_BASE is unset (2026 origin form)', () => {
    const config = parseConfig({ OPENAPP_API_KEY: KEY_2026, OPENAPP_ORG_ID: ORG }, { openapp: true });
    expect(config.openapp).toMatchObject({
      baseUrl: 'https://openapp.house/api/v1',
      orgId: ORG,
      generation: '2026',
      timeoutMs: 10_000,
      maxRetries: 3,
    });
  });

  it('takes the base URL from a 2025 key that carries the API root', () => {
    const config = parseConfig(
      {
        OPENAPP_API_KEY: 'https://api.openapp.house/api/v1_openapp_abcd1234',
        OPENAPP_ORG_ID: ORG,
        OPENAPP_API_GENERATION: '2025',
      },
      { openapp: true },
    );
    expect(config.openapp).toMatchObject({ baseUrl: 'https://api.openapp.house/api/v1', generation: '2025' });
  });

  it('prefers OPENAPP_API_BASE over the base inside the key', () => {
    const config = parseConfig(
      { OPENAPP_API_BASE: 'http://127.0.0.1:4010', OPENAPP_API_KEY: KEY_2026, OPENAPP_ORG_ID: ORG },
      { openapp: true },
    );
    expect(config.openapp?.baseUrl).toBe('http://127.0.0.1:4010/api/v1');
  });

  it('reports every bad variable at once, each by name', () => {
    const problems = problemsOf({
      OPENAPP_API_BASE: 'not a url',
      OPENAPP_API_GENERATION: '2024',
      OPENAPP_TIMEOUT_MS: '-1',
      REDIS_URL: 'http://localhost:6379',
      LOG_LEVEL: 'loud',
    });
    const names = problems.map((p) => p.split(':')[0]);
    expect(names).toEqual(
      expect.arrayContaining([
        'OPENAPP_API_BASE',
        'OPENAPP_API_GENERATION',
        'OPENAPP_TIMEOUT_MS',
        'REDIS_URL',
        'LOG_LEVEL',
      ]),
    );
  });

  it('names the missing OpenApp settings only for commands that need OpenApp', () => {
    expect(problemsOf({}, { openapp: false })).toEqual([]);
    const problems = problemsOf({});
    expect(problems.join('\n')).toMatch(/OPENAPP_API_BASE: unset/);
    expect(problems.join('\n')).toMatch(/OPENAPP_API_KEY: required/);
    expect(problems.join('\n')).toMatch(/OPENAPP_ORG_ID: required/);
  });

  it('explains a key without a base when no base URL is configured', () => {
    const problems = problemsOf({ OPENAPP_API_KEY: 'just-a-secret-1234', OPENAPP_ORG_ID: ORG });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^OPENAPP_API_BASE: unset, and OPENAPP_API_KEY does not carry a base URL/);
  });

  it('never echoes a secret value in its problems', () => {
    const problems = problemsOf({
      OPENAPP_API_KEY: 'ftp://x_openapp_TOPSECRET99',
      OPENAPP_TIMEOUT_MS: 'TOPSECRET99',
    });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).not.toContain('TOPSECRET99');
  });

  it('lists the key and its secret part as values the logger must hide', () => {
    const config = parseConfig({ OPENAPP_API_KEY: KEY_2026, OPENAPP_ORG_ID: ORG });
    expect(config.secrets).toEqual([KEY_2026, 's3cr3t-value']);
  });

  it('hides the password of every *DATABASE_URL variable, as written and decoded', () => {
    const config = parseConfig({
      PMS_DATABASE_URL: 'postgres://reader:pa%24%24word@db/pms',
      MAPLE_DATABASE_URL: 'mysql://reader:other-secret@db/pms',
      NO_PASSWORD_DATABASE_URL: 'postgres://reader@db/pms',
      DATABASE_URL_BACKUP: 'postgres://x:not-ours@db/pms',
    });
    expect(config.secrets.sort()).toEqual(['other-secret', 'pa$$word', 'pa%24%24word']);
  });

  it('treats empty variables as unset', () => {
    const config = parseConfig({ OPENAPP_API_BASE: '', REDIS_URL: '', LOG_LEVEL: 'debug' });
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.logLevel).toBe('debug');
    expect(config.openapp).toBeUndefined();
  });
});
