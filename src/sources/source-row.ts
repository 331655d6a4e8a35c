/**
 * What a tabular source (CSV file, database query) yields before any mapping: the header and the
 * data rows with their position, so every error can say where it is.
 */
export interface SourceHeader {
  /** 1-based line of the header in the file (1 for a database). */
  line: number;
  /** Column names as written, trimmed. */
  columns: string[];
}

export interface SourceRow {
  /** 1-based physical line where the record starts (a quoted cell may span lines). */
  line: number;
  /** Cells in column order; a ragged row may have fewer or more cells than the header. */
  cells: string[];
}

export interface SourceReadResult {
  header: SourceHeader;
  rows: AsyncIterable<SourceRow>;
}

/**
 * A failure that makes the rest of the source unreadable (unclosed quote, a record past the size
 * limit, no header, a dropped connection). A run that meets one makes no removals.
 */
export class SourceReadError extends Error {
  override readonly name = 'SourceReadError';
  constructor(
    message: string,
    readonly where: { file?: string; line?: number; column?: number },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
