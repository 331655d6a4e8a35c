import { describe, expect, it } from 'vitest';
import { displayText, localizedMatches, localizedTexts } from '../../src/openapp/localized-string.js';

describe('localized strings in their three wire forms', () => {
  it.each([
    ['plain string', 'Lobby', ['Lobby'], 'Lobby'],
    ['locale map', { he: 'לובי', en: 'Lobby' }, ['לובי', 'Lobby'], 'Lobby'],
    ['spec form {value}', { value: { es: 'Vestíbulo', en: 'Lobby' } }, ['Vestíbulo', 'Lobby'], 'Lobby'],
    ['map without English', { es: 'Vestíbulo' }, ['Vestíbulo'], 'Vestíbulo'],
    ['null', null, [], undefined],
    ['number', 42, [], undefined],
  ])('%s', (_label, value, texts, display) => {
    expect(localizedTexts(value)).toEqual(texts);
    expect(displayText(value)).toBe(display);
  });

  it.each([
    [{ en: 'Maple Court', es: 'Patio Maple' }, 'patio maple', true],
    [{ en: 'Maple Court' }, '  MAPLE COURT ', true],
    [{ value: { en: 'Maple Court' } }, 'maple court', true],
    [{ en: 'Maple Court' }, 'Maple', false], // whole names only: "Maple" must not pick "Maple Court"
    ['Birch Tower', 'birch tower', true],
  ])('%j matches %j: %s', (value, wanted, expected) => {
    expect(localizedMatches(value, wanted)).toBe(expected);
  });
});
