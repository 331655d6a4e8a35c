import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { parseSignedContent } from '../../src/http/signed-content.js';
import {
  hmacSchemeSchema,
  splitSecrets,
  webhookConfigSchema,
  type HmacScheme,
  type WebhookScheme,
} from '../../src/http/webhook-config.js';
import {
  BUILDIUM_SCHEME,
  decodeWebhookSecrets,
  verifyWebhook,
  WebhookSecretError,
  type WebhookHeaders,
  type WebhookVerdict,
} from '../../src/http/webhook-signature.js';

// Expected values are computed here with node:crypto directly, not with the module under test.
function hmac(algorithm: 'sha256' | 'sha1', key: Buffer | string, ...chunks: (string | Buffer)[]): Buffer {
  const h = createHmac(algorithm, key);
  for (const c of chunks) h.update(c);
  return h.digest();
}
const sha256Hex = (...chunks: (string | Buffer)[]) => {
  const h = createHash('sha256');
  for (const c of chunks) h.update(c);
  return h.digest('hex');
};

type Expectation = { ok: true; deliveryId?: string; timestamp?: number | null } | { reason: string };

interface Case {
  name: string;
  headers: WebhookHeaders;
  body?: Buffer;
  secrets?: string[];
  nowMs?: number;
  expect: Expectation;
}

/** Runs one case and checks the message never carries a secret or a full signature. */
function check(
  scheme: WebhookScheme,
  c: Case,
  defaults: { body: Buffer; secrets: string[]; nowMs: number },
  confidential: string[],
): WebhookVerdict {
  const verdict = verifyWebhook(
    scheme,
    c.secrets ?? defaults.secrets,
    c.headers,
    c.body ?? defaults.body,
    c.nowMs ?? defaults.nowMs,
  );
  if ('reason' in c.expect) {
    expect(verdict).toMatchObject({ ok: false, reason: c.expect.reason });
    if (!verdict.ok) {
      expect(verdict.message.length).toBeGreaterThan(0);
      for (const secret of [...confidential, ...(c.secrets ?? [])])
        expect(verdict.message).not.toContain(secret);
      // Messages name headers, never echo their values (signatures above all).
      for (const value of Object.values(c.headers).flat())
        if (value && value.length >= 8) expect(verdict.message).not.toContain(value);
    }
  } else {
    expect(verdict).toMatchObject({ ok: true });
    if (verdict.ok) {
      if (c.expect.deliveryId !== undefined) expect(verdict.deliveryId).toBe(c.expect.deliveryId);
      if (c.expect.timestamp !== undefined) expect(verdict.timestamp).toBe(c.expect.timestamp);
    }
  }
  return verdict;
}

describe('Standard Webhooks', () => {
  // The test vector of the Standard Webhooks / Svix libraries.
  const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const KEY = Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64');
  const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
  const TS = 1614265330;
  const BODY = Buffer.from('{"test": 2432232314}');
  const SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
  const OTHER_SECRET = 'whsec_' + Buffer.from('another key, 24 bytes!!!').toString('base64');
  const scheme: WebhookScheme = { scheme: 'standard' };
  const defaults = { body: BODY, secrets: [SECRET], nowMs: TS * 1000 };
  const sign = (key: Buffer | string, ts: number | string = TS, id = ID, body: Buffer = BODY) =>
    `v1,${hmac('sha256', key, `${id}.${ts}.`, body).toString('base64')}`;
  const headers = (over: Record<string, string | string[] | undefined> = {}): WebhookHeaders => ({
    'webhook-id': ID,
    'webhook-timestamp': String(TS),
    'webhook-signature': SIGNATURE,
    ...over,
  });

  it('the official vector is what node:crypto computes from the decoded whsec_ key', () => {
    expect(sign(KEY)).toBe(SIGNATURE);
  });

  const cases: Case[] = [
    {
      name: 'the official test vector',
      headers: headers(),
      expect: { ok: true, deliveryId: ID, timestamp: TS },
    },
    {
      name: 'tampered body',
      headers: headers(),
      body: Buffer.from('{"test": 2432232315}'),
      expect: { reason: 'bad_signature' },
    },
    {
      name: 'wrong secret',
      headers: headers(),
      secrets: [OTHER_SECRET],
      expect: { reason: 'bad_signature' },
    },
    {
      name: 'rotation: the second secret matches',
      headers: headers(),
      secrets: [OTHER_SECRET, SECRET],
      expect: { ok: true },
    },
    {
      name: 'rotation: the first secret matches',
      headers: headers(),
      secrets: [SECRET, OTHER_SECRET],
      expect: { ok: true },
    },
    {
      name: 'several v1 entries, only the last matches',
      headers: headers({ 'webhook-signature': `${sign('nope')} v2,abcd ${SIGNATURE}` }),
      expect: { ok: true },
    },
    {
      name: 'several v1 entries, only the first matches',
      headers: headers({ 'webhook-signature': `${SIGNATURE} ${sign('nope')}` }),
      expect: { ok: true },
    },
    {
      name: 'several v1 entries, none matches',
      headers: headers({ 'webhook-signature': `${sign('nope')} ${sign('nope either')}` }),
      expect: { reason: 'bad_signature' },
    },
    { name: 'stale: 301 s old', headers: headers(), nowMs: (TS + 301) * 1000, expect: { reason: 'stale' } },
    {
      name: 'stale: 300.001 s old',
      headers: headers(),
      nowMs: (TS + 300) * 1000 + 1,
      expect: { reason: 'stale' },
    },
    { name: 'edge: exactly 300 s old', headers: headers(), nowMs: (TS + 300) * 1000, expect: { ok: true } },
    {
      name: 'future: 301 s ahead',
      headers: headers(),
      nowMs: (TS - 301) * 1000,
      expect: { reason: 'future' },
    },
    { name: 'edge: exactly 300 s ahead', headers: headers(), nowMs: (TS - 300) * 1000, expect: { ok: true } },
    {
      name: 'a forged stale delivery is a bad signature, not stale',
      headers: headers(),
      secrets: [OTHER_SECRET],
      nowMs: (TS + 3600) * 1000,
      expect: { reason: 'bad_signature' },
    },
    {
      name: 'missing webhook-id',
      headers: headers({ 'webhook-id': undefined }),
      expect: { reason: 'missing_headers' },
    },
    {
      name: 'missing webhook-timestamp',
      headers: headers({ 'webhook-timestamp': undefined }),
      expect: { reason: 'missing_headers' },
    },
    {
      name: 'missing webhook-signature',
      headers: headers({ 'webhook-signature': undefined }),
      expect: { reason: 'missing_headers' },
    },
    {
      name: 'empty webhook-signature',
      headers: headers({ 'webhook-signature': '  ' }),
      expect: { reason: 'missing_headers' },
    },
    { name: 'no headers at all', headers: {}, expect: { reason: 'missing_headers' } },
    {
      name: 'malformed: a bare signature without "v1,"',
      headers: headers({ 'webhook-signature': SIGNATURE.slice(3) }),
      expect: { reason: 'malformed' },
    },
    {
      name: 'malformed: only another version',
      headers: headers({ 'webhook-signature': SIGNATURE.replace('v1,', 'v1a,') }),
      expect: { reason: 'malformed' },
    },
    {
      name: 'malformed: v1 that is not base64',
      headers: headers({ 'webhook-signature': 'v1,not*base64!' }),
      expect: { reason: 'malformed' },
    },
    {
      name: 'malformed: v1 of the wrong length',
      headers: headers({ 'webhook-signature': 'v1,' + Buffer.alloc(20).toString('base64') }),
      expect: { reason: 'malformed' },
    },
    {
      name: 'non-numeric timestamp',
      headers: headers({ 'webhook-timestamp': 'yesterday' }),
      expect: { reason: 'malformed' },
    },
    {
      name: 'fractional timestamp',
      headers: headers({ 'webhook-timestamp': `${TS}.5` }),
      expect: { reason: 'malformed' },
    },
    {
      name: 'negative timestamp',
      headers: headers({ 'webhook-timestamp': `-${TS}` }),
      expect: { reason: 'malformed' },
    },
    {
      name: 'ISO timestamp',
      headers: headers({ 'webhook-timestamp': '2021-02-26T02:22:10Z' }),
      expect: { reason: 'malformed' },
    },
    {
      name: 'milliseconds are not seconds here: far in the future',
      headers: headers({ 'webhook-timestamp': String(TS * 1000), 'webhook-signature': sign(KEY, TS * 1000) }),
      expect: { reason: 'future' },
    },
    {
      name: 'an over-long webhook-id',
      headers: headers({
        'webhook-id': 'x'.repeat(257),
        'webhook-signature': sign(KEY, TS, 'x'.repeat(257)),
      }),
      expect: { reason: 'malformed' },
    },
    {
      name: 'header arrays: the first value is used (good first)',
      headers: headers({ 'webhook-signature': [SIGNATURE, 'v1,AAAA'], 'webhook-id': [ID, 'msg_other'] }),
      expect: { ok: true, deliveryId: ID },
    },
    {
      name: 'header arrays: the first value is used (good second)',
      headers: headers({ 'webhook-signature': [sign('nope'), SIGNATURE] }),
      expect: { reason: 'bad_signature' },
    },
    {
      name: 'header names in any case',
      headers: { 'Webhook-Id': ID, 'WEBHOOK-TIMESTAMP': String(TS), 'webhook-Signature': SIGNATURE },
      expect: { ok: true, deliveryId: ID },
    },
    {
      name: 'a raw secret without whsec_ is used as its UTF-8 bytes',
      headers: headers({ 'webhook-signature': sign(Buffer.from('plain sécret', 'utf8')) }),
      secrets: ['plain sécret'],
      expect: { ok: true },
    },
    {
      name: 'a raw secret is not base64-decoded',
      headers: headers(),
      secrets: ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      expect: { reason: 'bad_signature' },
    },
    {
      name: 'the raw body bytes are signed (Windows-1252, not UTF-8)',
      headers: headers({ 'webhook-signature': sign(KEY, TS, ID, Buffer.from([0x7b, 0xe9, 0x92, 0x7d])) }),
      body: Buffer.from([0x7b, 0xe9, 0x92, 0x7d]),
      expect: { ok: true },
    },
  ];

  it.each(cases)('$name', (c) => {
    check(scheme, c, defaults, [SECRET, SECRET.slice(6), OTHER_SECRET, SIGNATURE.slice(3)]);
  });

  it('refuses unusable secrets with an error that does not show them', () => {
    const bad = 'whsec_not base64 at all!';
    expect(() => verifyWebhook(scheme, [SECRET, bad], headers(), BODY, TS * 1000)).toThrow(
      WebhookSecretError,
    );
    expect(() => decodeWebhookSecrets(scheme, [SECRET, bad])).toThrow(/secret 2 of 2 starts with "whsec_"/);
    try {
      decodeWebhookSecrets(scheme, [bad]);
    } catch (err) {
      expect((err as Error).message).not.toContain('not base64 at all');
    }
    expect(() => verifyWebhook(scheme, [], headers(), BODY, TS * 1000)).toThrow(WebhookSecretError);
    expect(() => decodeWebhookSecrets(scheme, [''])).toThrow(/is empty/);
  });
});

describe('Buildium', () => {
  const SECRET = 'buildium-secret-0123456789';
  const OTHER = 'older-buildium-secret';
  const NOW_S = 1_750_000_000;
  const BODY = Buffer.from(
    '{"EventName":"Lease.Updated","EventDateTime":"2025-06-15T14:06:40.000Z","AccountId":514,"LeaseId":88}',
  );
  const scheme: WebhookScheme = { scheme: 'buildium' };
  const defaults = { body: BODY, secrets: [SECRET], nowMs: NOW_S * 1000 };
  const sign = (ts: string, secret = SECRET, body = BODY) =>
    hmac('sha256', secret, `${ts}.`, body).toString('base64');
  const headers = (ts: string, signature = sign(ts)): WebhookHeaders => ({
    'buildium-webhook-timestamp': ts,
    'buildium-webhook-signature': signature,
  });
  const seconds = String(NOW_S - 10);
  const millis = String((NOW_S - 10) * 1000 + 123);

  const cases: Case[] = [
    {
      name: 'a signature over "timestamp.body" in seconds',
      headers: headers(seconds),
      expect: { ok: true, deliveryId: `sha256:${sha256Hex(`${seconds}.`, BODY)}`, timestamp: NOW_S - 10 },
    },
    {
      name: 'a timestamp in milliseconds',
      headers: headers(millis),
      expect: { ok: true, deliveryId: `sha256:${sha256Hex(`${millis}.`, BODY)}`, timestamp: NOW_S - 10 },
    },
    {
      name: 'milliseconds, 301 s old',
      headers: headers(String((NOW_S - 301) * 1000)),
      expect: { reason: 'stale' },
    },
    {
      name: 'milliseconds, exactly 300 s ahead',
      headers: headers(String((NOW_S + 300) * 1000)),
      expect: { ok: true },
    },
    { name: 'seconds, 301 s ahead', headers: headers(String(NOW_S + 301)), expect: { reason: 'future' } },
    { name: 'seconds, exactly 300 s old', headers: headers(String(NOW_S - 300)), expect: { ok: true } },
    {
      name: 'tampered body',
      headers: headers(seconds),
      body: Buffer.from('{"EventName":"Lease.Deleted"}'),
      expect: { reason: 'bad_signature' },
    },
    {
      name: 'a changed timestamp breaks the signature',
      headers: headers(String(NOW_S - 11), sign(seconds)),
      expect: { reason: 'bad_signature' },
    },
    {
      name: 'a signature without the "." separator does not match',
      headers: headers(seconds, hmac('sha256', SECRET, seconds, BODY).toString('base64')),
      expect: { reason: 'bad_signature' },
    },
    {
      name: 'wrong secret',
      headers: headers(seconds),
      secrets: [OTHER],
      expect: { reason: 'bad_signature' },
    },
    {
      name: 'rotation: the second secret matches',
      headers: headers(seconds),
      secrets: [OTHER, SECRET],
      expect: { ok: true },
    },
    {
      name: 'a whsec_-looking Buildium secret is used as its UTF-8 bytes',
      headers: headers(seconds, sign(seconds, 'whsec_abc')),
      secrets: ['whsec_abc'],
      expect: { ok: true },
    },
    {
      name: 'missing timestamp',
      headers: { 'buildium-webhook-signature': sign(seconds) },
      expect: { reason: 'missing_headers' },
    },
    {
      name: 'missing signature',
      headers: { 'buildium-webhook-timestamp': seconds },
      expect: { reason: 'missing_headers' },
    },
    { name: 'non-numeric timestamp', headers: headers('now', sign('now')), expect: { reason: 'malformed' } },
    {
      name: 'a hex signature where base64 is expected',
      headers: headers(seconds, hmac('sha256', SECRET, `${seconds}.`, BODY).toString('hex')),
      expect: { reason: 'malformed' },
    },
    {
      name: 'header arrays: the first value is used',
      headers: {
        'buildium-webhook-timestamp': [seconds, '0'],
        'buildium-webhook-signature': [sign(seconds), 'AAAA'],
      },
      expect: { ok: true, timestamp: NOW_S - 10 },
    },
  ];

  it.each(cases)('$name', (c) => {
    check(scheme, c, defaults, [SECRET, OTHER]);
  });

  it('the preset is a valid configurable scheme', () => {
    expect(hmacSchemeSchema.parse(BUILDIUM_SCHEME)).toEqual(BUILDIUM_SCHEME);
  });
});

describe('configurable HMAC', () => {
  const SECRET = "It's a Secret to Everybody";
  const BODY = Buffer.from('Hello, World!');
  const NOW_MS = 1_750_000_000_000;
  // GitHub's documented example: this body and secret give this X-Hub-Signature-256.
  const GITHUB_SIGNATURE = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
  const github: WebhookScheme = {
    scheme: 'hmac',
    hmac: {
      signature_header: 'X-Hub-Signature-256',
      id_header: 'X-GitHub-Delivery',
      signed_content: '{body}',
      encoding: 'hex',
      algorithm: 'sha256',
      prefix: 'sha256=',
    },
  };
  const DELIVERY = '72d3162e-cc78-11e3-81ab-4c9367dc0958';
  const defaults = { body: BODY, secrets: [SECRET], nowMs: NOW_MS };

  it('the GitHub example is what node:crypto computes', () => {
    expect(`sha256=${hmac('sha256', SECRET, BODY).toString('hex')}`).toBe(GITHUB_SIGNATURE);
  });

  const githubCases: Case[] = [
    {
      name: 'hex with a sha256= prefix (GitHub style)',
      headers: { 'x-hub-signature-256': GITHUB_SIGNATURE, 'x-github-delivery': DELIVERY },
      expect: { ok: true, deliveryId: DELIVERY, timestamp: null },
    },
    {
      name: 'upper-case hex',
      headers: {
        'x-hub-signature-256': 'sha256=' + GITHUB_SIGNATURE.slice(7).toUpperCase(),
        'x-github-delivery': DELIVERY,
      },
      expect: { ok: true },
    },
    {
      name: 'without the prefix',
      headers: { 'x-hub-signature-256': GITHUB_SIGNATURE.slice(7), 'x-github-delivery': DELIVERY },
      expect: { reason: 'malformed' },
    },
    {
      name: 'a truncated signature',
      headers: { 'x-hub-signature-256': GITHUB_SIGNATURE.slice(0, -2), 'x-github-delivery': DELIVERY },
      expect: { reason: 'malformed' },
    },
    {
      name: 'tampered body',
      headers: { 'x-hub-signature-256': GITHUB_SIGNATURE, 'x-github-delivery': DELIVERY },
      body: Buffer.from('Hello, World?'),
      expect: { reason: 'bad_signature' },
    },
    {
      name: 'wrong secret',
      headers: { 'x-hub-signature-256': GITHUB_SIGNATURE, 'x-github-delivery': DELIVERY },
      secrets: ['not it'],
      expect: { reason: 'bad_signature' },
    },
    {
      name: 'missing the id header',
      headers: { 'x-hub-signature-256': GITHUB_SIGNATURE },
      expect: { reason: 'missing_headers' },
    },
  ];
  it.each(githubCases)('$name', (c) => {
    check(github, c, defaults, [SECRET]);
  });

  it('sha1 with a sha1= prefix, no id: the delivery id is the body hash', () => {
    const scheme: WebhookScheme = {
      scheme: 'hmac',
      hmac: {
        signature_header: 'x-hub-signature',
        signed_content: '{body}',
        encoding: 'hex',
        algorithm: 'sha1',
        prefix: 'sha1=',
      },
    };
    const signature = `sha1=${hmac('sha1', SECRET, BODY).toString('hex')}`;
    check(
      scheme,
      {
        name: '',
        headers: { 'x-hub-signature': signature },
        expect: { ok: true, deliveryId: `sha256:${sha256Hex(BODY)}`, timestamp: null },
      },
      defaults,
      [SECRET],
    );
    const sha256Signature = `sha1=${hmac('sha256', SECRET, BODY).toString('hex')}`;
    check(
      scheme,
      { name: '', headers: { 'x-hub-signature': sha256Signature }, expect: { reason: 'malformed' } },
      defaults,
      [SECRET],
    );
  });

  describe('id and timestamp both signed, base64, 60 s tolerance', () => {
    const scheme: WebhookScheme = {
      scheme: 'hmac',
      hmac: {
        signature_header: 'x-pms-signature',
        timestamp_header: 'x-pms-timestamp',
        id_header: 'x-pms-id',
        signed_content: 'v0:{id}:{timestamp}:{body}',
        encoding: 'base64',
        algorithm: 'sha256',
        tolerance_seconds: 60,
      },
    };
    const ts = String(NOW_MS - 5000);
    const sign = (id: string, t: string) => hmac('sha256', SECRET, `v0:${id}:${t}:`, BODY).toString('base64');
    const cases: Case[] = [
      {
        name: 'valid',
        headers: { 'x-pms-signature': sign('d-1', ts), 'x-pms-timestamp': ts, 'x-pms-id': 'd-1' },
        expect: { ok: true, deliveryId: 'd-1', timestamp: NOW_MS / 1000 - 5 },
      },
      {
        name: 'a changed id breaks the signature',
        headers: { 'x-pms-signature': sign('d-1', ts), 'x-pms-timestamp': ts, 'x-pms-id': 'd-2' },
        expect: { reason: 'bad_signature' },
      },
      {
        name: '61 s old is stale with a 60 s tolerance',
        headers: {
          'x-pms-signature': sign('d-1', String(NOW_MS - 61_000)),
          'x-pms-timestamp': String(NOW_MS - 61_000),
          'x-pms-id': 'd-1',
        },
        expect: { reason: 'stale' },
      },
      {
        name: 'all three headers missing are named',
        headers: {},
        expect: { reason: 'missing_headers' },
      },
    ];
    it.each(cases)('$name', (c) => {
      const verdict = check(scheme, c, defaults, [SECRET]);
      if (c.name.startsWith('all three') && !verdict.ok)
        expect(verdict.message).toBe('missing headers: x-pms-signature, x-pms-timestamp, x-pms-id');
    });
  });

  it('a scheme built in code that signs a header it does not name is a programming error', () => {
    const broken: WebhookScheme = {
      scheme: 'hmac',
      hmac: {
        signature_header: 'x-sig',
        signed_content: '{timestamp}.{body}',
        encoding: 'hex',
        algorithm: 'sha256',
      },
    };
    expect(() => verifyWebhook(broken, [SECRET], { 'x-sig': 'aa' }, BODY, NOW_MS)).toThrow(TypeError);
  });
});

describe('rejection messages', () => {
  it('never contain a secret or a signature, whatever goes wrong', () => {
    const secret = 'whsec_' + Buffer.from('super secret key material').toString('base64');
    const key = Buffer.from('super secret key material');
    const body = Buffer.from('{"type":"lease.changed"}');
    const good = `v1,${hmac('sha256', key, 'msg_1.1000.', body).toString('base64')}`;
    const scenarios: [WebhookHeaders, number, string[]][] = [
      [
        { 'webhook-id': 'msg_1', 'webhook-timestamp': '1000', 'webhook-signature': good },
        2_000_000,
        [secret],
      ],
      [{ 'webhook-id': 'msg_1', 'webhook-timestamp': '1000', 'webhook-signature': good }, 0, [secret]],
      [
        { 'webhook-id': 'msg_1', 'webhook-timestamp': '1000', 'webhook-signature': good },
        1_000_000,
        ['whsec_b3RoZXI='],
      ],
      [
        { 'webhook-id': 'msg_1', 'webhook-timestamp': '1000', 'webhook-signature': good.slice(3) },
        1_000_000,
        [secret],
      ],
      [{ 'webhook-id': 'msg_1', 'webhook-timestamp': 'x', 'webhook-signature': good }, 1_000_000, [secret]],
      [{ 'webhook-timestamp': '1000', 'webhook-signature': good }, 1_000_000, [secret]],
    ];
    const messages = scenarios.map(([headers, nowMs, secrets]) => {
      const verdict = verifyWebhook({ scheme: 'standard' }, secrets, headers, body, nowMs);
      expect(verdict.ok).toBe(false);
      return verdict.ok ? '' : verdict.message;
    });
    expect(new Set(messages).size).toBe(messages.length);
    for (const message of messages) {
      for (const forbidden of [
        secret,
        secret.slice(6),
        key.toString(),
        good,
        good.slice(3),
        'whsec_b3RoZXI=',
      ])
        expect(message).not.toContain(forbidden);
    }
  });
});

describe('webhooks config (feeds file)', () => {
  it('reads the three schemes, with defaults', () => {
    expect(webhookConfigSchema.parse({ scheme: 'standard', secret_env: 'WEBHOOK_SECRET_MAPLE' })).toEqual({
      scheme: 'standard',
      secret_env: 'WEBHOOK_SECRET_MAPLE',
      max_body_bytes: 256 * 1024,
    });
    expect(
      webhookConfigSchema.parse({ scheme: 'buildium', secret_env: 'WEBHOOK_SECRET_B', max_body_bytes: 1024 }),
    ).toMatchObject({
      max_body_bytes: 1024,
    });
    const hmac = webhookConfigSchema.parse({
      scheme: 'hmac',
      secret_env: 'WEBHOOK_SECRET_ACME',
      hmac: {
        signature_header: 'x-hub-signature-256',
        id_header: 'x-github-delivery',
        signed_content: '{body}',
        encoding: 'hex',
        prefix: 'sha256=',
      },
    });
    expect(hmac).toMatchObject({ scheme: 'hmac', hmac: { algorithm: 'sha256' } });
  });

  it('a parsed config and Node headers go straight into verifyWebhook', () => {
    const config = webhookConfigSchema.parse({ scheme: 'standard', secret_env: 'WEBHOOK_SECRET_S' });
    const headers: IncomingHttpHeaders = { 'webhook-id': 'msg_1', 'webhook-timestamp': '1' };
    expect(verifyWebhook(config, ['whsec_AAAA'], headers, Buffer.alloc(0), 1000)).toMatchObject({
      ok: false,
      reason: 'missing_headers',
    });
  });

  const hmacBlock = (over: Partial<Record<keyof HmacScheme, unknown>>) => ({
    scheme: 'hmac',
    secret_env: 'WEBHOOK_SECRET_S',
    hmac: { signature_header: 'x-sig', signed_content: '{body}', encoding: 'hex', ...over },
  });
  const invalid: [string, unknown, string][] = [
    ['an unknown scheme', { scheme: 'svix', secret_env: 'WEBHOOK_SECRET_S' }, 'scheme'],
    ['hmac without its block', { scheme: 'hmac', secret_env: 'WEBHOOK_SECRET_S' }, 'hmac'],
    ['an hmac block on another scheme', { ...hmacBlock({}), scheme: 'standard' }, ''],
    [
      'a secret in place of a variable name',
      { scheme: 'standard', secret_env: 'whsec_abc+/=' },
      'secret_env',
    ],
    ['no secret_env', { scheme: 'standard' }, 'secret_env'],
    [
      'a variable the logger would not hide',
      { scheme: 'standard', secret_env: 'MAPLE_SECRET' },
      'secret_env',
    ],
    [
      'a zero body limit',
      { scheme: 'standard', secret_env: 'WEBHOOK_SECRET_S', max_body_bytes: 0 },
      'max_body_bytes',
    ],
    ['no {body}', hmacBlock({ signed_content: '{timestamp}' }), 'hmac.signed_content'],
    ['{body} twice', hmacBlock({ signed_content: '{body}{body}' }), 'hmac.signed_content'],
    ['an unknown placeholder', hmacBlock({ signed_content: '{ts}.{body}' }), 'hmac.signed_content'],
    [
      '{timestamp} without its header',
      hmacBlock({ signed_content: '{timestamp}.{body}' }),
      'hmac.timestamp_header',
    ],
    ['{id} without its header', hmacBlock({ signed_content: '{id}.{body}' }), 'hmac.id_header'],
    ['a tolerance without a timestamp', hmacBlock({ tolerance_seconds: 60 }), 'hmac.tolerance_seconds'],
    ['a header name with a space', hmacBlock({ signature_header: 'x sig' }), 'hmac.signature_header'],
    ['an unknown encoding', hmacBlock({ encoding: 'base32' }), 'hmac.encoding'],
    ['an unknown algorithm', hmacBlock({ algorithm: 'md5' }), 'hmac.algorithm'],
    ['an unknown key', hmacBlock({ secret: 'abc' } as never), 'hmac'],
  ];
  it.each(invalid)('refuses %s', (_name, input, path) => {
    const parsed = webhookConfigSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('splits a secret variable on spaces and commas', () => {
    expect(splitSecrets(' whsec_a, whsec_b  whsec_c,,\n')).toEqual(['whsec_a', 'whsec_b', 'whsec_c']);
    expect(splitSecrets(undefined)).toEqual([]);
    expect(splitSecrets('')).toEqual([]);
  });

  it('parses signed-content templates', () => {
    expect(parseSignedContent('{timestamp}.{body}')).toEqual({
      ok: true,
      parts: [{ field: 'timestamp' }, { literal: '.' }, { field: 'body' }],
    });
    expect(parseSignedContent('v0:{id}:{body}:end')).toEqual({
      ok: true,
      parts: [{ literal: 'v0:' }, { field: 'id' }, { literal: ':' }, { field: 'body' }, { literal: ':end' }],
    });
    expect(parseSignedContent('{nope}{body}')).toMatchObject({ ok: false });
  });
});
