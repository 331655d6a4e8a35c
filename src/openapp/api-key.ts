/**
 * OpenApp API keys carry the deployment they were issued by: `{base}_openapp_{secret}`.
 * The 2025 generation puts the full API root in `{base}` (`https://host/api/v1`); the 2026
 * generation puts only the origin (`https://host`) and the API root is `{origin}/api/v1`.
 */
const SEPARATOR = '_openapp_';
const API_ROOT_PATH = '/api/v1';

export class ApiKeyFormatError extends Error {
  override readonly name = 'ApiKeyFormatError';
}

export interface ParsedApiKey {
  /** API root every route hangs under, e.g. `https://openapp.house/api/v1` (no trailing slash). */
  baseUrl: string;
}

/** Splits on the first `_openapp_` as the official SDKs do; never echoes the secret in errors. */
export function parseApiKey(key: string): ParsedApiKey {
  const at = key.indexOf(SEPARATOR);
  if (at <= 0) {
    throw new ApiKeyFormatError(
      'OPENAPP_API_KEY is not in the `{base}_openapp_{secret}` form; set OPENAPP_API_BASE or use the key exactly as OpenApp issued it',
    );
  }
  const secret = key.slice(at + SEPARATOR.length);
  if (secret.length === 0) {
    throw new ApiKeyFormatError('OPENAPP_API_KEY has nothing after `_openapp_`: the secret part is missing');
  }
  return { baseUrl: apiRootFrom(key.slice(0, at)) };
}

/** Normalises a base URL (an origin or an API root) to the API root with no trailing slash. */
export function apiRootFrom(base: string): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new ApiKeyFormatError(`the OpenApp base URL must be an absolute http(s) URL, got "${base}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ApiKeyFormatError(`the OpenApp base URL must use http or https, got "${url.protocol}"`);
  }
  const path = url.pathname.replace(/\/+$/, '');
  const root = path.endsWith(API_ROOT_PATH) ? path : `${path}${API_ROOT_PATH}`;
  return `${url.origin}${root}`;
}
