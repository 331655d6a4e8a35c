import type { LocalizedStringWire } from './wire-schemas.js';

/** Every text a localized string holds, whichever of its three wire forms it arrived in. */
export function localizedTexts(value: LocalizedStringWire | unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  const map =
    'value' in value && typeof value.value === 'object' && value.value !== null ? value.value : value;
  return Object.values(map as Record<string, unknown>).filter((v): v is string => typeof v === 'string');
}

/** A display text: English if present, else the first locale. */
export function displayText(value: LocalizedStringWire | unknown): string | undefined {
  if (typeof value === 'string') return value; // the usual form: no list built for it
  if (value !== null && typeof value === 'object') {
    const map = ('value' in value ? value.value : value) as Record<string, unknown>;
    if (typeof map?.en === 'string') return map.en;
  }
  return localizedTexts(value)[0];
}

/** Case-insensitive match against every locale, as the SDK name matcher does. */
export function localizedMatches(value: LocalizedStringWire | unknown, wanted: string): boolean {
  const needle = wanted.trim().toLocaleLowerCase();
  return localizedTexts(value).some((t) => t.trim().toLocaleLowerCase() === needle);
}
