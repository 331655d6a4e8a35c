/**
 * How a position inside a validated document is written in error messages: `building_users[3] > user_id`.
 * Shared by every loader that reports problems with a path (simulator seeds, mappings).
 */
export function issuePathText(parts: readonly PropertyKey[]): string {
  let out = '';
  for (const p of parts) out += typeof p === 'number' ? `[${p}]` : `${out ? ' > ' : ''}${String(p)}`;
  return out || '(top level)';
}
