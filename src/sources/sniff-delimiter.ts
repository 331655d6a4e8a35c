/**
 * Delimiter sniffing by hand (csv-parse's `delimiter_auto` crashes on non-ASCII text): count each
 * candidate outside double quotes in one line, normally the header, and take the most frequent.
 */

export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/**
 * The most frequent of `,` `;` tab `|` outside quotes in `line`. Ties go to the earlier one in that
 * order, so a line with none of them (a one-column file) or a comma/semicolon tie gives a comma.
 */
export function sniffDelimiter(line: string): Delimiter {
  let comma = 0;
  let semicolon = 0;
  let tab = 0;
  let pipe = 0;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"')
      quoted = !quoted; // "" inside a quoted cell toggles twice: still quoted
    else if (quoted) continue;
    else if (ch === ',') comma++;
    else if (ch === ';') semicolon++;
    else if (ch === '\t') tab++;
    else if (ch === '|') pipe++;
  }
  const counts: Record<Delimiter, number> = { ',': comma, ';': semicolon, '\t': tab, '|': pipe };
  let best: Delimiter = ',';
  for (const candidate of DELIMITERS) {
    if (counts[candidate] > counts[best]) best = candidate;
  }
  return best;
}

/** How a delimiter is written in a message: a tab is invisible. */
export function describeDelimiter(delimiter: string): string {
  return delimiter === '\t' ? 'tab' : `"${delimiter}"`;
}
