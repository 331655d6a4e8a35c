/**
 * The high-water mark of a polling feed: the newest `changed_at` its last poll saw, as the
 * database printed it. The next poll asks for what changed after it. The mark only moves forward,
 * even when two polls overlap (a slow poll finishing after a faster, later one).
 */
import type { Redis } from 'ioredis';
import { keys } from './queue-names.js';

/** Sets the mark when there is none or the new one is later (timestamps as text compare as times). */
const ADVANCE = `
local current = redis.call('GET', KEYS[1])
if not current or ARGV[1] > current then
  redis.call('SET', KEYS[1], ARGV[1])
  return 1
end
return 0`;

export class PollMarkStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async get(feed: string): Promise<string | undefined> {
    return (await this.redis.get(keys.pollMark(this.prefix, feed))) ?? undefined;
  }

  /** Moves the mark forward to `mark`; false when it already was there or later. */
  async advance(feed: string, mark: string): Promise<boolean> {
    return (await this.redis.eval(ADVANCE, 1, keys.pollMark(this.prefix, feed), mark)) === 1;
  }
}
