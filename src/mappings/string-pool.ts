/**
 * One copy of each value: a cell that repeats all down a large export (a property's name) would
 * otherwise keep a string of its own in every record, and every string a plan keeps is copied by
 * the garbage collector as it ages. (Dates have their own pool, keyed by number: date-reader.ts.)
 * Bounded: once `limit` values are held, a new one is returned as it came.
 */
export class StringPool {
  private readonly values = new Map<string, string>();

  constructor(private readonly limit = 10_000) {}

  of(value: string): string {
    const known = this.values.get(value);
    if (known !== undefined) return known;
    if (this.values.size < this.limit) this.values.set(value, value);
    return value;
  }
}
