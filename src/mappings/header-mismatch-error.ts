/**
 * The header of a source does not fit its mapping: a column the mapping reads is missing, or the
 * header has more repeated groups than the mapping reads. Fatal for the whole source: no row is
 * mapped, so a renamed column can never make residents look absent.
 */
export interface MissingColumn {
  /** What needs the column: a field (`email`, `email (group 2)`) or a skip rule (`skip_rows[1]`). */
  field: string;
  /** The column names looked for (alternatives), as the mapping writes them. */
  lookedFor: string[];
}

export class HeaderMismatchError extends Error {
  override readonly name = 'HeaderMismatchError';
  constructor(
    /** The source file (or a label) whose header was checked. */
    readonly file: string,
    readonly mappingName: string,
    /** One line per problem: `email: no column "Tenant Email" or "Email" in the header`. */
    readonly problems: string[],
    readonly missing: MissingColumn[],
    /** The header's columns as written. */
    readonly columns: string[],
  ) {
    super(
      `${file} does not fit mapping "${mappingName}":\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        `\n  the header has: ${columns.map((c) => `"${c}"`).join(', ') || '(no columns)'}` +
        '\n  Check that the export and the mapping belong together, or update the mapping.',
    );
  }
}
