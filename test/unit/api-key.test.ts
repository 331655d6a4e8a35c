import { describe, expect, it } from 'vitest';
import { ApiKeyFormatError, apiRootFrom, parseApiKey } from '../../src/openapp/api-key.js';

describe('parseApiKey', () => {
  it.each([
    // 2025 form: the base already holds the API root
    ['https://api.openapp.house/api/v1_openapp_SECRET', 'https://api.openapp.house/api/v1'],
    ['https://api.openapp.house/api/v1/_openapp_SECRET', 'https://api.openapp.house/api/v1'],
    // 2026 form: origin only, the API root is appended
    ['https://openapp.house_openapp_SECRET', 'https://openapp.house/api/v1'],
    ['http://127.0.0.1:4010_openapp_demo', 'http://127.0.0.1:4010/api/v1'],
    // a secret that itself contains the separator: split on the first, as the SDK does
    ['https://openapp.house_openapp_a_openapp_b', 'https://openapp.house/api/v1'],
  ])('%s -> %s', (key, baseUrl) => {
    expect(parseApiKey(key)).toEqual({ baseUrl });
  });

  it.each([
    ['plain-secret-without-base', /not in the `\{base\}_openapp_\{secret\}` form/],
    ['_openapp_secret', /not in the/],
    ['https://openapp.house_openapp_', /secret part is missing/],
    ['openapp.house_openapp_SECRET', /absolute http\(s\) URL/],
    ['ftp://openapp.house_openapp_SECRET', /must use http or https/],
  ])('rejects %s', (key, message) => {
    expect(() => parseApiKey(key)).toThrow(ApiKeyFormatError);
    expect(() => parseApiKey(key)).toThrow(message);
  });

  it('never repeats the secret in its error', () => {
    try {
      parseApiKey('ftp://host_openapp_TOPSECRET123');
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).not.toContain('TOPSECRET123');
    }
  });
});

describe('apiRootFrom', () => {
  it.each([
    ['https://openapp.house', 'https://openapp.house/api/v1'],
    ['https://openapp.house/', 'https://openapp.house/api/v1'],
    ['https://openapp.house/api/v1', 'https://openapp.house/api/v1'],
    ['https://openapp.house/api/v1/', 'https://openapp.house/api/v1'],
    ['https://gw.example.com/openapp', 'https://gw.example.com/openapp/api/v1'],
  ])('%s -> %s', (base, root) => {
    expect(apiRootFrom(base)).toBe(root);
  });
});
