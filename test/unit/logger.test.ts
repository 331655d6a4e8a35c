import { describe, expect, it } from 'vitest';
import { OpenAppError } from '../../src/openapp/openapp-error.js';
import { capturingLogger } from '../helpers/simulator.js';

const KEY = 'https://openapp.house_openapp_sup3r-s3cret"quoted';
const SECRET = 'sup3r-s3cret"quoted';

describe('logger', () => {
  it('redacts credential headers wherever they appear in a log object', () => {
    const { logger, text } = capturingLogger();
    logger.info({ headers: { authorization: 'Bearer abc123xyz', 'x-api-key': 'k-123456' } }, 'one');
    logger.info({ req: { headers: { authorization: 'Bearer def456uvw' } } }, 'two');
    const out = text();
    expect(out).not.toContain('abc123xyz');
    expect(out).not.toContain('k-123456');
    expect(out).not.toContain('def456uvw');
    expect(out).toContain('[REDACTED]');
  });

  it('scrubs known secrets from messages, error texts and stacks, JSON-escaped or not', () => {
    const { logger, text } = capturingLogger([KEY, SECRET]);
    const err = new OpenAppError(`failed with key ${KEY}`, {
      operation: 'listBuildingUsers',
      method: 'GET',
      path: '/integrations/x/people',
      status: 401,
      retryable: false,
      cause: new Error(`inner ${SECRET}`),
    });
    logger.error({ err, note: `the secret is ${SECRET}` }, `message with ${KEY}`);
    const out = text();
    expect(out).toContain('listBuildingUsers');
    expect(out).not.toContain('sup3r-s3cret');
    expect(out).toContain('[REDACTED]');
  });

  it('writes JSON lines when not on a terminal', () => {
    const { logger, text } = capturingLogger();
    logger.warn({ runId: 'r1' }, 'hello');
    const line = JSON.parse(text().trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 40, msg: 'hello', runId: 'r1', name: 'pms-sync' });
  });
});
