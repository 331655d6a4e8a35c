/**
 * One copy of each value, found by a key: a cell that repeats all down a large export (a property's
 * name, a date) would otherwise keep a string of its own in every record, and every string a plan
 * keeps is copied by the garbage collector as it ages. The key is the text itself, or something
 * cheaper to hash (a date's day number: date-reader.ts). Bounded: once `limit` values are held, a
 * new one is returned as it came.
 */
export class StringPool<K = string> {
  private readonly values = new Map<K, string>();

  constructor(private readonly limit = 10_000) {}

  find(key: K): string | undefined {
    return this.values.get(key);
  }

  /** The value kept for `key`, else `value` (kept for it while the pool has room). */
  of(key: K, value: string): string {
    return this.find(key) ?? this.keep(key, value);
  }

  /** `value`, kept for `key` while the pool has room; with `find`, when `value` is costly to build. */
  keep(key: K, value: string): string {
    if (this.values.size < this.limit) this.values.set(key, value);
    return value;
  }
}
