/**
 * PMS person key -> OpenApp user id, learnt when a resident accepts an invitation. With the link,
 * a later change of email in the PMS neither removes the resident nor invites them again.
 */
import type { Redis } from 'ioredis';

export class PersonLinkStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(integrationId: string): string {
    return `${this.prefix}:links:${integrationId}`;
  }

  async link(integrationId: string, personKeys: readonly string[], userId: string): Promise<void> {
    if (personKeys.length === 0) return;
    await this.redis.hset(this.key(integrationId), Object.fromEntries(personKeys.map((k) => [k, userId])));
  }

  async all(integrationId: string): Promise<Map<string, string>> {
    return new Map(Object.entries(await this.redis.hgetall(this.key(integrationId))));
  }
}
