/**
 * Console sessions. The browser holds a random id in an HttpOnly, SameSite=Strict cookie; Redis
 * holds, under the service's prefix and by the id's hash (a copy of Redis signs nobody in), who
 * signed in and the session's CSRF token, for 12 hours. A session is bound to the admin token it
 * was opened with: rotating ADMIN_TOKEN signs everyone out.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';

export const SESSION_COOKIE = 'pms_sync_session';
const TTL_SECONDS = 12 * 3600;

export interface ConsoleSession {
  /** Recorded on what the session does: `console` or `console:<name given at sign-in>`. */
  actor: string;
  csrf: string;
  createdAt: string;
}

interface StoredSession extends ConsoleSession {
  tokenTag: string;
}

export class SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly adminToken: string,
  ) {}

  async create(actor: string): Promise<{ id: string; session: ConsoleSession }> {
    const id = randomBytes(32).toString('base64url');
    const session = {
      actor,
      csrf: randomBytes(32).toString('base64url'),
      createdAt: new Date().toISOString(),
    };
    const stored: StoredSession = { ...session, tokenTag: this.tag(id) };
    await this.redis.set(this.key(id), JSON.stringify(stored), 'EX', TTL_SECONDS);
    return { id, session };
  }

  async get(id: string | undefined): Promise<ConsoleSession | undefined> {
    if (!id || !/^[\w-]{43}$/.test(id)) return undefined;
    const text = await this.redis.get(this.key(id));
    if (!text) return undefined;
    const { tokenTag, ...session } = JSON.parse(text) as StoredSession;
    const expected = Buffer.from(this.tag(id));
    const stored = Buffer.from(tokenTag);
    return stored.length === expected.length && timingSafeEqual(stored, expected) ? session : undefined;
  }

  async delete(id: string | undefined): Promise<void> {
    if (id) await this.redis.del(this.key(id));
  }

  private key(id: string): string {
    return `${this.prefix}:console:session:${createHash('sha256').update(id).digest('hex')}`;
  }

  private tag(id: string): string {
    return createHmac('sha256', this.adminToken).update(id).digest('base64url');
  }
}

/** The value of one cookie in a `Cookie` header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** `Secure` only over https: the console also serves plain http on loopback. */
export function sessionCookie(id: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${TTL_SECONDS}${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}
