/**
 * pms-sync's own record of the invitations it sent, per building and person, in Redis: the intent
 * is written before the call and the send after it, so a worker that dies in between cannot make
 * the next run send a second invitation.
 */
import type { Redis } from 'ioredis';
import { contactKey, type InvitationLedgerEntry } from '../core/invitation-ledger.js';

export class InvitationLedgerStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(integrationId: string): string {
    return `${this.prefix}:invitations:${integrationId}`;
  }

  async list(integrationId: string): Promise<InvitationLedgerEntry[]> {
    const fields = await this.redis.hgetall(this.key(integrationId));
    return Object.values(fields).map((v) => JSON.parse(v) as InvitationLedgerEntry);
  }

  async write(entry: InvitationLedgerEntry): Promise<void> {
    const field = contactKey(entry.contact);
    if (!field) return;
    await this.redis.hset(this.key(entry.integrationId), field, JSON.stringify(entry));
  }
}
