/** A mapping file that cannot be used: unreadable, not YAML / JSON, or not a valid mapping. */
export class MappingError extends Error {
  override readonly name = 'MappingError';
  constructor(
    /** The file as given (path or label). */
    readonly file: string,
    /** One line per problem, each naming the file and the path, e.g. `yardi.yaml > fields > unit: required`. */
    readonly problems: string[],
    options?: { cause?: unknown },
  ) {
    super(`${file} is not a valid mapping:\n${problems.map((p) => `  - ${p}`).join('\n')}`, options);
  }
}
