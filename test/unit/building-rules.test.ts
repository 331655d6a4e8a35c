import { describe, expect, it } from 'vitest';
import { compileBuildingRules } from '../../src/mappings/building-rules.js';
import { parseMapping } from '../../src/mappings/load-mapping.js';

const mapping = (table: { property?: string; unit_pattern?: string; integration_id: string }[]) =>
  parseMapping(
    {
      name: 'test',
      pms: 'other',
      fields: { unit: 'Unit', name: 'Name', email: 'Email', property: 'Property' },
      status: { assume: 'current' },
      buildings: { table },
      access: { time_zone: 'America/Chicago' },
    },
    'test.yaml',
  );

describe('compileBuildingRules', () => {
  it('answers a repeated property the same way every time, by trimmed case-insensitive name', () => {
    const resolve = compileBuildingRules(
      mapping([
        { property: 'Maple Court', integration_id: 'INT-MAPLE' },
        { property: 'Birch Tower', integration_id: 'INT-BIRCH' },
      ]),
    );
    for (let round = 0; round < 3; round++) {
      expect(resolve('Maple Court', '101')).toBe('INT-MAPLE');
      expect(resolve('  maple COURT ', '102')).toBe('INT-MAPLE');
      expect(resolve('Birch Tower', '7')).toBe('INT-BIRCH');
      expect(resolve('Oak Row', '1')).toBeUndefined();
      expect(resolve(undefined, '1')).toBeUndefined();
    }
  });

  it('still reads the unit when a rule has a unit pattern', () => {
    const resolve = compileBuildingRules(
      mapping([
        { property: 'Maple Court', unit_pattern: '^1\\d\\d$', integration_id: 'INT-MAPLE-LOW' },
        { property: 'Maple Court', integration_id: 'INT-MAPLE-HIGH' },
      ]),
    );
    for (let round = 0; round < 2; round++) {
      expect(resolve('Maple Court', '101')).toBe('INT-MAPLE-LOW');
      expect(resolve('Maple Court', '1201')).toBe('INT-MAPLE-HIGH');
    }
  });

  it('gives the same answers past the number of property names it remembers', () => {
    const resolve = compileBuildingRules(mapping([{ property: 'Maple Court', integration_id: 'INT-MAPLE' }]));
    for (let i = 0; i < 12_000; i++) expect(resolve(`Property ${i}`, '1')).toBeUndefined();
    expect(resolve('Maple Court', '1')).toBe('INT-MAPLE');
    expect(resolve('Property 3', '1')).toBeUndefined();
  });
});
