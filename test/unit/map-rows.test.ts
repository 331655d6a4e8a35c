import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { recordKey } from '../../src/core/record-key.js';
import {
  residentRecordSchema,
  type RejectedRow,
  type ResidentRecord,
} from '../../src/core/resident-record.js';
import { DateReader } from '../../src/mappings/date-reader.js';
import { HeaderMismatchError } from '../../src/mappings/header-mismatch-error.js';
import { loadMappingFile, parseMapping } from '../../src/mappings/load-mapping.js';
import { createRowMapper, inspectHeader, type MappedRow } from '../../src/mappings/map-rows.js';
import type { Mapping, MappingInput } from '../../src/mappings/mapping-schema.js';
import type { SourceHeader, SourceRow } from '../../src/sources/source-row.js';

const MAPLE = '01JHMXBDF8Y1BPPS5GDYJVYF4E';
const BIRCH = '01JHMXBEEGMNFDYXGRFHE5X3F8';

type Input = MappingInput & { fields: NonNullable<MappingInput['fields']> };

const baseInput = (): Input => ({
  name: 'test',
  pms: 'other',
  fields: { unit: 'Unit', name: 'Name', email: 'Email', status: 'Status' },
  status: {
    current: ['Current'],
    notice: ['Notice'],
    future: ['Future'],
    past: ['Past'],
    inactive: ['Vacant'],
  },
  buildings: { table: [{ integration_id: MAPLE }] },
  access: { time_zone: 'America/Chicago' },
});

function mappingWith(change: (m: Input) => void = () => {}): Mapping {
  const input = baseInput();
  change(input);
  return parseMapping(input, 'test.yaml');
}

const header = (...columns: string[]): SourceHeader => ({ line: 1, columns });

/** Maps rows given as objects (column -> cell) against a header made of their keys, or of `columns`. */
function mapObjects(mapping: Mapping, rows: Record<string, string>[], columns?: string[]): MappedRow[] {
  const cols = columns ?? Object.keys(rows[0] ?? {});
  const mapper = createRowMapper(mapping, header(...cols));
  return rows.map((r, i) => mapper.mapRow({ line: i + 2, cells: cols.map((c) => r[c] ?? '') }));
}

function mapOne(mapping: Mapping, row: Record<string, string>): MappedRow {
  const [out] = mapObjects(mapping, [row]);
  if (!out) throw new Error('no result');
  return out;
}

function onlyRecord(out: MappedRow): ResidentRecord {
  expect(out.rejected).toEqual([]);
  expect(out.records).toHaveLength(1);
  const [record] = out.records;
  if (!record) throw new Error('no record');
  return record;
}

function onlyRejection(out: MappedRow): RejectedRow {
  expect(out.records).toEqual([]);
  expect(out.rejected).toHaveLength(1);
  const [rejected] = out.rejected;
  if (!rejected) throw new Error('no rejection');
  return rejected;
}

const ana = { Unit: '101', Name: 'Ana Gomez', Email: 'ana.gomez@example.com', Status: 'Current' };

describe('a row becomes a resident record', () => {
  it('with trimmed values, the canonical key and the line', () => {
    const m = mappingWith((i) => {
      i.fields.person_id = 'Id';
      i.fields.lease_id = 'Lease';
      i.fields.property = 'Property';
    });
    const record = onlyRecord(
      mapOne(m, {
        ...ana,
        Id: ' 007 ',
        Lease: 'L1',
        Property: ' Maple Court ',
        Email: ' Ana.Gomez@Example.COM ',
      }),
    );
    expect(record).toEqual({
      line: 2,
      personId: '007',
      leaseId: 'L1',
      property: 'Maple Court',
      unit: '101',
      integrationId: MAPLE,
      name: 'Ana Gomez',
      email: 'ana.gomez@example.com',
      status: 'current',
      rawStatus: 'Current',
    });
    expect(residentRecordSchema.parse(record)).toEqual(record);
    expect(recordKey(record)).toBe(`${MAPLE}|Maple Court|101|L1|007`);
  });

  it.each([
    ['the person id', { Id: 'P1' }, `${MAPLE}||101||P1`],
    ['the email without a person id', {}, `${MAPLE}||101||ana.gomez@example.com`],
    ['the phone without an email', { Email: '', Phone: '312 555 0100' }, `${MAPLE}||101||+13125550100`],
    ['the lower-cased name without anything else', { Email: '', User: 'u-1' }, `${MAPLE}||101||ana gomez`],
  ])('keys a person by %s', (_label, cells, key) => {
    const m = mappingWith((i) => {
      i.fields.person_id = 'Id';
      i.fields.phone = 'Phone';
      i.fields.openapp_user_id = 'User';
    });
    expect(recordKey(onlyRecord(mapOne(m, { Id: '', Phone: '', User: '', ...ana, ...cells })))).toBe(key);
  });

  it('matches header names trimmed and case-insensitively, and takes the first alternative the header has', () => {
    const m = mappingWith((i) => {
      i.fields.email = ['Tenant Email', 'E-mail'];
    });
    const record = onlyRecord(
      mapOne(m, { ' unit ': '101', NAME: 'Ana Gomez', 'e-mail': 'ana@example.com', status: 'Current' }),
    );
    expect(record).toMatchObject({
      unit: '101',
      name: 'Ana Gomez',
      email: 'ana@example.com',
      status: 'current',
    });
  });

  it('reads missing cells of a short row as empty', () => {
    const m = mappingWith((i) => {
      i.fields.move_out = 'Move Out';
    });
    const mapper = createRowMapper(m, header('Unit', 'Name', 'Email', 'Status', 'Move Out'));
    const record = onlyRecord(
      mapper.mapRow({ line: 5, cells: ['101', 'Ana Gomez', 'ana@example.com', 'Current'] }),
    );
    expect(record.moveOut).toBeUndefined();
    expect(record.line).toBe(5);
  });

  it('uses a default for an empty cell', () => {
    const m = mappingWith((i) => {
      i.fields.status = { column: 'Status', default: 'Current' };
    });
    expect(onlyRecord(mapOne(m, { ...ana, Status: '' })).status).toBe('current');
  });
});

describe('names', () => {
  it.each([
    ['Gomez, Ana', 'Ana Gomez'],
    ['Gomez, Ana (Minor)', 'Ana Gomez'],
    ['  Gomez ,   Ana  Maria ', 'Ana Maria Gomez'],
    ['Gomez Jr., Ana', 'Ana Gomez Jr.'],
    ['Acme Holdings LLC', 'Acme Holdings LLC'],
    ['(Guarantor) Smith, Jo', 'Jo Smith'],
  ])('last_first reads %j as %j', (cell, name) => {
    const m = mappingWith((i) => {
      i.fields.name = { column: 'Name', format: 'last_first' };
    });
    expect(onlyRecord(mapOne(m, { ...ana, Name: cell })).name).toBe(name);
  });

  it.each([
    ['both', 'Ana', 'Gomez', 'Ana Gomez'],
    ['only the first', 'Ana', '', 'Ana'],
    ['only the last', '', 'Gomez', 'Gomez'],
  ])('joins first and last name columns (%s)', (_label, first, last, name) => {
    const m = mappingWith((i) => {
      delete i.fields.name;
      i.fields.first_name = 'First Name';
      i.fields.last_name = 'Last Name';
    });
    const row = {
      Unit: '101',
      'First Name': first,
      'Last Name': last,
      Email: 'a@example.com',
      Status: 'Current',
    };
    expect(onlyRecord(mapOne(m, row)).name).toBe(name);
  });

  it('builds a value from a template, blanks squeezed', () => {
    const m = mappingWith((i) => {
      i.fields.name = { template: '{First} {Middle} {Last}' };
    });
    const row = {
      Unit: '101',
      First: 'Ana',
      Middle: '',
      Last: 'Gomez',
      Email: 'a@example.com',
      Status: 'Current',
    };
    expect(onlyRecord(mapOne(m, row)).name).toBe('Ana Gomez');
  });
});

describe('emails and phones', () => {
  it('rejects a person whose email is not an address, naming the column but not the value', () => {
    const m = mappingWith((i) => {
      i.fields.person_id = 'Id';
      i.fields.phone = 'Phone';
    });
    const rejected = onlyRejection(
      mapOne(m, { ...ana, Id: 'P1', Phone: '312-555-0100', Email: 'ana.gomez@example' }),
    );
    expect(rejected).toEqual({
      line: 2,
      errors: ['column Email: not an email address; correct it in the PMS'],
      identifies: { personId: 'P1', integrationId: MAPLE },
    });
    expect(JSON.stringify(rejected)).not.toContain('ana.gomez');
  });

  it.each([
    ['(312) 555-0100', '+13125550100'],
    ['312.555.0100', '+13125550100'],
    ['1-312-555-0100', '+13125550100'],
    ['+1 312 555 0100', '+13125550100'],
    ['+44 20 7946 0958', '+442079460958'],
    ['555-0100', '555-0100'],
    ['312-555-0100 x12', '312-555-0100 x12'],
    ['(012) 555-0100', '(012) 555-0100'],
    ['312-155-0100', '312-155-0100'],
  ])('phone %j becomes %j', (cell, phone) => {
    const m = mappingWith((i) => {
      i.fields.phone = 'Phone';
    });
    expect(onlyRecord(mapOne(m, { ...ana, Phone: cell })).phone).toBe(phone);
  });

  it.each([
    ['Home: (312) 555-0100, Mobile: (312) 555-0199', '+13125550199'],
    ['Home: (312) 555-0100, Cell: (312) 555-0188, Mobile: (312) 555-0199', '+13125550199'],
    ['Home: (312) 555-0100, cell: 312 555 0188', '+13125550188'],
    ['Home: (312) 555-0100, Work: (312) 555-0177', '+13125550100'],
    ['(312) 555-0100, (312) 555-0199', '+13125550100'],
    ['Mobile: , Home: (312) 555-0100', '+13125550100'],
  ])('prefer_labels [Mobile, Cell] picks from %j', (cell, phone) => {
    const m = mappingWith((i) => {
      i.fields.phone = { column: 'Phones', split: ',', prefer_labels: ['Mobile', 'Cell'] };
    });
    expect(onlyRecord(mapOne(m, { ...ana, Phones: cell })).phone).toBe(phone);
  });

  it('takes the first item of a list outside packed mode', () => {
    const m = mappingWith((i) => {
      i.fields.email = { column: 'Emails', split: '[;,]' };
    });
    expect(onlyRecord(mapOne(m, { ...ana, Emails: ' ; a@example.com; b@example.com' })).email).toBe(
      'a@example.com',
    );
  });

  it('falls back to a second column through a template and a split', () => {
    const m = mappingWith((i) => {
      i.fields.email = { template: '{Email};{AlternateEmail}', split: ';' };
    });
    const rows = mapObjects(m, [
      { ...ana, Email: 'main@example.com', AlternateEmail: 'alt@example.com' },
      { ...ana, Email: '', AlternateEmail: 'alt@example.com' },
    ]);
    expect(rows.map((r) => r.records[0]?.email)).toEqual(['main@example.com', 'alt@example.com']);
  });
});

describe('dates', () => {
  const withFormats = (formats: string[]) =>
    mappingWith((i) => {
      i.date_formats = formats;
      i.fields.move_in = 'Move In';
    });
  const moveIn = (m: Mapping, cell: string) => mapOne(m, { ...ana, 'Move In': cell });

  it.each<[string[], string, string]>([
    [['yyyy-MM-dd'], '2026-03-28', '2026-03-28'],
    [['yyyy-MM-dd'], '2028-02-29', '2028-02-29'],
    [['M/d/yyyy'], '3/8/2026', '2026-03-08'],
    [['M/d/yyyy'], '03/08/2026', '2026-03-08'],
    [['MM/dd/yyyy'], '12/31/2026', '2026-12-31'],
    [["yyyy-MM-dd'T'HH:mm:ss"], '2026-03-28T00:00:00', '2026-03-28'],
    [["yyyy-MM-dd'T'HH:mm:ss"], '2026-03-28T23:59:59', '2026-03-28'],
    [['dd.MM.yyyy'], '28.03.2026', '2026-03-28'],
    [['MMM d, yyyy'], 'Mar 28, 2026', '2026-03-28'],
    [['yyyy-MM-dd', 'M/d/yyyy'], '11/20/2026', '2026-11-20'],
    [['MM/dd/yyyy', 'M/d/yyyy'], '3/8/2026', '2026-03-08'],
  ])('%j reads %j as %j', (formats, cell, date) => {
    expect(onlyRecord(moveIn(withFormats(formats), cell)).moveIn).toBe(date);
  });

  it.each<[string[], string, string]>([
    [
      ['MM/dd/yyyy'],
      '3/8/2026',
      'column Move In: "3/8/2026" is not a date in any of the formats MM/dd/yyyy; correct it in the PMS or add its format to date_formats',
    ],
    [
      ['M/d/yyyy'],
      '02/30/2026',
      'column Move In: "02/30/2026" is not a valid calendar date (formats tried: M/d/yyyy); correct it in the PMS',
    ],
    [
      ['yyyy-MM-dd'],
      '2026-02-29',
      'column Move In: "2026-02-29" is not a valid calendar date (formats tried: yyyy-MM-dd); correct it in the PMS',
    ],
    [
      ['M/d/yyyy'],
      '45678',
      'column Move In: "45678" looks like an Excel serial date; export dates as text (do not open and save the file in Excel)',
    ],
    [
      ['M/d/yyyy'],
      '45678.5',
      'column Move In: "45678.5" looks like an Excel serial date; export dates as text (do not open and save the file in Excel)',
    ],
    [
      ['M/d/yyyy'],
      '3/28/26',
      'column Move In: "3/28/26" has a two-digit year (Excel may have reformatted it); export dates with four-digit years',
    ],
    [
      ['yyyy-MM-dd', 'M/d/yyyy'],
      'next week',
      'column Move In: "next week" is not a date in any of the formats yyyy-MM-dd, M/d/yyyy; correct it in the PMS or add its format to date_formats',
    ],
  ])('%j rejects %j', (formats, cell, reason) => {
    expect(onlyRejection(moveIn(withFormats(formats), cell)).errors).toEqual([reason]);
  });

  it('reads every date field', () => {
    const m = mappingWith((i) => {
      i.fields.move_in = 'In';
      i.fields.move_out = 'Out';
      i.fields.lease_start = 'From';
      i.fields.lease_end = 'To';
    });
    const record = onlyRecord(
      mapOne(m, { ...ana, In: '2026-01-02', Out: '2026-12-30', From: '2026-01-01', To: '2026-12-31' }),
    );
    expect(record).toMatchObject({
      moveIn: '2026-01-02',
      moveOut: '2026-12-30',
      leaseStart: '2026-01-01',
      leaseEnd: '2026-12-31',
    });
  });
});

describe('formats read by hand agree with Luxon', () => {
  const formats = [
    'yyyy-MM-dd',
    'M/d/yyyy',
    'MM/dd/yyyy',
    'd/M/yyyy',
    'dd.MM.yyyy',
    "yyyy-MM-dd'T'HH:mm:ss",
    'yyyyMMdd',
  ];
  const values = [
    '2026-03-28',
    '2026-3-28',
    '2026-03-28 ',
    '12026-03-28',
    '2026-00-10',
    '2026-02-29',
    '2024-02-29',
    '1900-02-29',
    '2000-02-29',
    '0000-01-01',
    '3/28/2026',
    '03/28/2026',
    '003/28/2026',
    '13/1/2026',
    '0/1/2026',
    '1/0/2026',
    '31/12/2026',
    '28.03.2026',
    '2026-03-28T00:00:00',
    '2026-03-28t12:30:00',
    '2026-03-28T24:00:00',
    '2026-03-28T23:60:00',
    '2026-03-28T00:00:00.000',
    '20260328',
    '20261328',
    '2026-04-31',
    '4/31/2026',
    '',
  ];
  it.each(formats)('%s', (format) => {
    const reader = new DateReader([format], 'America/Chicago');
    for (const value of values) {
      const luxon = DateTime.fromFormat(value, format, { zone: 'America/Chicago' });
      const reading = reader.read(value);
      expect(reading.ok ? reading.date : null, `${value} with ${format}`).toBe(
        luxon.isValid ? luxon.toISODate() : null,
      );
      const quick = reader.quickRead(value);
      if (quick !== undefined) expect(quick, `quickRead ${value} with ${format}`).toBe(luxon.toISODate());
    }
  });

  it('settles the usual dates quickly, with several formats in order, as read does', () => {
    const reader = new DateReader(['yyyy-MM-dd', 'M/d/yyyy', 'd MMM yyyy'], 'America/Chicago');
    for (const value of [...values, '28 Mar 2026', '3/28/2026', '2026-03-28', '2026-02-30']) {
      const reading = reader.read(value);
      const quick = reader.quickRead(value);
      if (quick !== undefined) expect(quick, value).toBe(reading.ok ? reading.date : undefined);
    }
    expect(reader.quickRead('2026-03-28')).toBe('2026-03-28');
    expect(reader.quickRead('3/28/2026')).toBe('2026-03-28');
    expect(reader.quickRead('28 Mar 2026')).toBeUndefined(); // a format Luxon reads
    expect(reader.read('28 Mar 2026')).toEqual({ ok: true, date: '2026-03-28' });
  });
});

describe('status', () => {
  it('reads the same cell the same way on every row, past the number of cells it remembers', () => {
    const cells = [
      'Current',
      'Past',
      'Current',
      ...Array.from({ length: 1_200 }, (_, i) => `Odd ${i}`),
      'Past',
    ];
    const rows = cells.map((Status, i) => ({ ...ana, Email: `p${i}@example.com`, Status }));
    const statuses = mapObjects(mappingWith(), rows).map((out) => onlyRecord(out).status);
    expect(statuses.slice(0, 3)).toEqual(['current', 'past', 'current']);
    expect(statuses.at(-1)).toBe('past');
    expect(new Set(statuses.slice(3, -1))).toEqual(new Set(['review']));
  });

  it.each([
    ['Current', 'current'],
    ['  notice ', 'notice'],
    ['FUTURE', 'future'],
    ['Past', 'past'],
    ['Vacant', 'inactive'],
    ['Pending Review', 'review'],
    ['', 'review'],
  ])('%j means %s', (cell, status) => {
    const record = onlyRecord(mapOne(mappingWith(), { ...ana, Status: cell }));
    expect(record.status).toBe(status);
    expect(record.rawStatus).toBe(cell.trim());
  });

  it.each([
    ['keep_access', 'current'],
    ['remove_access', 'past'],
    ['review', 'review'],
  ] as const)('an eviction under policy %s is %s, the raw status kept', (policy, status) => {
    const m = mappingWith((i) => {
      i.status = { current: ['Current'], eviction: ['Evict', 'Eviction'], eviction_policy: policy };
    });
    expect(onlyRecord(mapOne(m, { ...ana, Status: 'evict' }))).toMatchObject({ status, rawStatus: 'evict' });
  });

  it('assumes a status when the export has none', () => {
    const m = mappingWith((i) => {
      delete i.fields.status;
      i.status = { assume: 'current' };
    });
    expect(onlyRecord(mapOne(m, { Unit: '101', Name: 'Ana', Email: 'a@example.com' }))).toMatchObject({
      status: 'current',
      rawStatus: '',
    });
  });
});

describe('buildings', () => {
  const table = mappingWith((i) => {
    i.fields.property = 'Property';
    i.buildings = {
      table: [
        { property: 'Maple Court', integration_id: MAPLE },
        { property: 'Birch Tower', unit_pattern: '^02-', integration_id: BIRCH },
        { unit_pattern: '^C\\d+$', integration_id: 'CARRIAGE' },
      ],
    };
  });

  it.each([
    ['maple court ', '101', MAPLE],
    ['Birch Tower', '02-1201', BIRCH],
    ['Anything', 'C101', 'CARRIAGE'],
  ])('property %j unit %j is in %s', (property, unit, integrationId) => {
    expect(onlyRecord(mapOne(table, { ...ana, Property: property, Unit: unit })).integrationId).toBe(
      integrationId,
    );
  });

  it('rejects a unit no rule places, naming property and unit', () => {
    const rejected = onlyRejection(mapOne(table, { ...ana, Property: 'Birch Tower', Unit: '03-301' }));
    expect(rejected.errors).toEqual([
      'no building for property "Birch Tower", unit "03-301": no buildings.table rule matches; add a rule, or set buildings.unmatched: ignore if this feed does not cover it',
    ]);
    expect(rejected.identifies).toEqual({ email: 'ana.gomez@example.com' });
  });

  it('skips a unit no rule places when unmatched is ignore', () => {
    const m = mappingWith((i) => {
      i.fields.property = 'Property';
      i.buildings = { table: [{ property: 'Maple Court', integration_id: MAPLE }], unmatched: 'ignore' };
    });
    expect(mapOne(m, { ...ana, Property: 'Lakeside', Email: 'not-an-email' })).toEqual({
      records: [],
      rejected: [],
      skipped: true,
    });
  });

  it('takes the integration id column first, the table when it is empty', () => {
    const m = mappingWith((i) => {
      i.fields.integration_id = 'Integration';
    });
    const rows = mapObjects(m, [
      { ...ana, Integration: BIRCH },
      { ...ana, Integration: '' },
    ]);
    expect(rows.map((r) => r.records[0]?.integrationId)).toEqual([BIRCH, MAPLE]);
  });
});

describe('what a record needs', () => {
  const m = mappingWith((i) => {
    i.fields.person_id = 'Id';
    i.fields.phone = 'Phone';
    i.fields.openapp_user_id = 'User';
  });
  const row = { ...ana, Id: 'P1', Phone: '', User: '' };

  it.each([
    [
      'a unit',
      { Unit: '' },
      'column Unit is empty; every resident needs a unit: fill it in the PMS, or add a skip_rows rule if such rows are not residents',
    ],
    ['a name', { Name: '  ' }, 'no name (column Name is empty); fill it in the PMS'],
    [
      'a way to find them',
      { Email: '' },
      'no email, phone or OpenApp user id (columns Email, Phone and User are empty); add an email in the PMS so the resident can be found or invited in OpenApp',
    ],
  ])('rejects a person without %s', (_label, cells, reason) => {
    expect(onlyRejection(mapOne(m, { ...row, ...cells })).errors).toEqual([reason]);
  });

  it('is satisfied by a phone or an OpenApp user id alone', () => {
    const rows = mapObjects(m, [
      { ...row, Email: '', Phone: '312 555 0100' },
      { ...row, Email: '', User: '01JHMXBGD068YSJKY5Y5XFM7F0' },
    ]);
    expect(rows.map((r) => r.records.length)).toEqual([1, 1]);
  });

  it('lists every reason and carries what identifies the person', () => {
    const rejected = onlyRejection(
      mapOne(m, { ...row, Unit: '', User: '01JHMXBGD068YSJKY5Y5XFM7F0', Email: 'Ana.Gomez@example.com' }),
    );
    expect(rejected.errors).toHaveLength(1);
    expect(rejected.identifies).toEqual({
      email: 'ana.gomez@example.com',
      personId: 'P1',
      openappUserId: '01JHMXBGD068YSJKY5Y5XFM7F0',
    });
    const several = onlyRejection(mapOne(m, { ...row, Unit: '', Name: '', Email: 'x' }));
    expect(several.errors).toHaveLength(3);
  });
});

describe('rows that are not data', () => {
  const m = mappingWith((i) => {
    i.skip_rows = [
      { matches: '^(current|notice|future) residents' },
      { matches: '^(grand )?total\\b' },
      { column: 'Status', matches: '^vacant$' },
      { empty: ['Name', 'Email'] },
    ];
  });
  const columns = ['Unit', 'Name', 'Email', 'Status'];

  it.each([
    ['a section heading in the first cell', ['Current Residents', '', '', '']],
    ['a section heading, any case', ['NOTICE RESIDENTS', '', '', '']],
    ['a total row', ['Total Current Residents', '', '', '']],
    ['a grand total', ['Grand Total', '', '12', '']],
    ['a rule on a named column', ['106', 'x', 'y', 'Vacant']],
    ['a unit with nobody in it', ['107', '', '', 'Current']],
    ['a blank row', ['', '  ', '', '']],
    ['an empty line', ['']],
    ['no cells at all', []],
  ])('skips %s', (_label, cells) => {
    const mapper = createRowMapper(m, header(...columns));
    expect(mapper.mapRow({ line: 9, cells })).toEqual({ records: [], rejected: [], skipped: true });
  });

  it('does not skip a resident whose first cell only contains a skip word', () => {
    const mapper = createRowMapper(m, header(...columns));
    const out = mapper.mapRow({ line: 9, cells: ['Totally 12', 'Ana', 'a@example.com', 'Current'] });
    expect(out.records).toHaveLength(1);
  });
});

describe('several people in one row', () => {
  describe('packed', () => {
    const m = mappingWith((i) => {
      i.people = { mode: 'packed', split_by: 'email' };
      i.fields.email = { column: 'Emails', split: '[;,]' };
      i.fields.name = { column: 'Tenant', format: 'last_first' };
      i.fields.person_id = 'Tenant ID';
      i.fields.lease_id = 'Occupancy';
      i.fields.phone = { column: 'Phones', split: ',', prefer_labels: ['Mobile'] };
    });
    const row = {
      Unit: '101',
      Tenant: 'Gomez, Ana',
      'Tenant ID': 'T1',
      Occupancy: 'O1',
      Status: 'Current',
      Phones: 'Home: 312 555 0100, Mobile: 312 555 0199',
    };

    it.each([
      ['a comma', 'ana@example.com, luis@example.com'],
      ['a semicolon', 'ana@example.com; luis@example.com'],
      ['a repeated address', 'ana@example.com;luis@example.com; ANA@example.com'],
    ])('yields one person per email separated by %s', (_label, emails) => {
      const out = mapOne(m, { ...row, Emails: emails });
      expect(out.rejected).toEqual([]);
      expect(out.records.map((r) => [r.name, r.email, r.personId, r.phone, recordKey(r)])).toEqual([
        ['Ana Gomez', 'ana@example.com', 'T1', '+13125550199', `${MAPLE}||101|O1|T1`],
        ['luis@example.com', 'luis@example.com', undefined, undefined, `${MAPLE}||101|O1|luis@example.com`],
      ]);
      expect(out.records.every((r) => r.leaseId === 'O1' && r.status === 'current')).toBe(true);
    });

    it('keeps one person when the list is empty, and rejects them if nothing else finds them', () => {
      const out = mapOne(m, { ...row, Emails: '', Phones: '' });
      expect(onlyRejection(out).identifies).toEqual({ personId: 'T1', integrationId: MAPLE });
      expect(onlyRecord(mapOne(m, { ...row, Emails: ' ' })).phone).toBe('+13125550199');
    });

    it('rejects only the person whose item is wrong, naming the item', () => {
      const out = mapOne(m, { ...row, Emails: 'ana@example.com, luis@' });
      expect(out.records.map((r) => r.email)).toEqual(['ana@example.com']);
      expect(out.rejected).toEqual([
        {
          line: 2,
          errors: ['column Emails (item 2): not an email address; correct it in the PMS'],
          identifies: { integrationId: MAPLE },
        },
      ]);
    });

    it('zips other split fields by position when the names are split', () => {
      const byName = mappingWith((i) => {
        i.people = { mode: 'packed', split_by: 'name' };
        i.fields.name = { column: 'Names', split: ';', format: 'last_first' };
        i.fields.email = { column: 'Emails', split: ';' };
      });
      const out = mapOne(byName, {
        Unit: '101',
        Names: 'Gomez, Ana; Gomez, Luis; Gomez, Mateo (Minor)',
        Emails: 'ana@example.com; luis@example.com',
        Status: 'Current',
      });
      expect(out.records.map((r) => [r.name, r.email])).toEqual([
        ['Ana Gomez', 'ana@example.com'],
        ['Luis Gomez', 'luis@example.com'],
      ]);
      expect(out.rejected.map((r) => r.errors[0])).toEqual([
        'no email, phone or OpenApp user id (column Emails is empty); add an email in the PMS so the resident can be found or invited in OpenApp',
      ]);
    });
  });

  describe('groups', () => {
    const m = mappingWith((i) => {
      i.people = { mode: 'groups', count: 3 };
      i.fields.lease_id = 'Lease ID';
      i.fields.person_id = 'Resident {n} ID';
      delete i.fields.name;
      i.fields.first_name = 'Resident {n} First Name';
      i.fields.last_name = 'Resident {n} Last Name';
      i.fields.email = 'Resident {n} Email';
      i.fields.move_out = 'Resident {n} Move Out';
    });
    const columns = ['Lease ID', 'Unit', 'Status'];
    for (let n = 1; n <= 3; n++) {
      for (const c of ['ID', 'First Name', 'Last Name', 'Email', 'Move Out'])
        columns.push(`Resident ${n} ${c}`);
    }
    const cells = (...people: string[][]) => ['L1', '101', 'Current', ...people.flat()];

    it('yields one person per non-empty group, sharing the columns without {n}', () => {
      const mapper = createRowMapper(m, header(...columns));
      const out = mapper.mapRow({
        line: 4,
        cells: cells(
          ['C1', 'Ana', 'Gomez', 'ana@example.com', ''],
          ['', '', '', '', ''],
          ['C3', 'Luis', 'Gomez', 'luis@example.com', '2026-11-30'],
        ),
      });
      expect(out.rejected).toEqual([]);
      expect(out.records.map((r) => [r.name, r.personId, r.leaseId, r.moveOut, r.line])).toEqual([
        ['Ana Gomez', 'C1', 'L1', undefined, 4],
        ['Luis Gomez', 'C3', 'L1', '2026-11-30', 4],
      ]);
    });

    it('names the group columns in reasons', () => {
      const mapper = createRowMapper(m, header(...columns));
      const out = mapper.mapRow({
        line: 4,
        cells: cells(
          ['C1', 'Ana', 'Gomez', 'ana@example.com', ''],
          ['C2', 'Luis', 'Gomez', '', '2026/11/30'],
        ),
      });
      expect(out.records).toHaveLength(1);
      expect(out.rejected).toEqual([
        {
          line: 4,
          errors: [
            'column Resident 2 Move Out: "2026/11/30" is not a date in any of the formats yyyy-MM-dd, yyyy-MM-dd\'T\'HH:mm:ss, M/d/yyyy; correct it in the PMS or add its format to date_formats',
            'no email, phone or OpenApp user id (column Resident 2 Email is empty); add an email in the PMS so the resident can be found or invited in OpenApp',
          ],
          identifies: { personId: 'C2', integrationId: MAPLE },
        },
      ]);
    });

    it('skips a row with no person in any group', () => {
      const mapper = createRowMapper(m, header(...columns));
      expect(mapper.mapRow({ line: 4, cells: cells() }).skipped).toBe(true);
    });

    it('reads only the groups the header has', () => {
      const twoGroups = columns.filter((c) => !c.startsWith('Resident 3'));
      const report = inspectHeader(m, header(...twoGroups));
      expect(report.problems).toEqual([]);
      expect(report.groups).toEqual({ read: [1, 2], absent: [3] });
    });

    it('refuses a header with more groups than it reads', () => {
      const four = [...columns, 'Resident 4 ID', 'Resident 4 First Name', 'Resident 4 Email'];
      expect(() => createRowMapper(m, header(...four))).toThrow(
        'email: the header has "Resident 4 Email" but people.count is 3; raise count to read every resident',
      );
    });

    it('reads a template with {n}', () => {
      const t = mappingWith((i) => {
        i.people = { mode: 'groups', count: 2 };
        i.fields.name = { template: '{Resident {n} First} {Resident {n} Last}' };
        i.fields.email = 'Resident {n} Email';
      });
      const cols = ['Unit', 'Status', 'Resident 1 First', 'Resident 1 Last', 'Resident 1 Email'];
      const out = createRowMapper(t, header(...cols)).mapRow({
        line: 2,
        cells: ['101', 'Current', 'Ana', 'Gomez', 'ana@example.com'],
      });
      expect(out.records.map((r) => r.name)).toEqual(['Ana Gomez']);
    });
  });
});

describe('the header', () => {
  it('is refused as a whole when a column is missing, listing what was looked for and what is there', () => {
    const m = mappingWith((i) => {
      i.fields.email = ['Tenant Email', 'Email'];
      i.fields.name = { template: '{First} {Last}' };
      i.skip_rows = [{ column: 'Section', matches: 'x' }];
    });
    let error: unknown;
    try {
      createRowMapper(m, header('Unit', 'First', 'Status', 'Phone'), { file: 'exports/roll.csv' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(HeaderMismatchError);
    const e = error as HeaderMismatchError;
    expect(e.problems).toEqual([
      'name: no column "Last" in the header',
      'email: no column "Tenant Email" or "Email" in the header',
      'skip_rows[0]: no column "Section" in the header',
    ]);
    expect(e.missing).toContainEqual({ field: 'email', lookedFor: ['Tenant Email', 'Email'] });
    expect(e.message).toContain('exports/roll.csv does not fit mapping "test"');
    expect(e.message).toContain('the header has: "Unit", "First", "Status", "Phone"');
  });

  it('reports which columns each field reads and which nobody reads', () => {
    const m = mappingWith((i) => {
      i.fields.name = { template: '{First} {Last}' };
      i.skip_rows = [{ column: 'Section', matches: '^total' }];
    });
    const mapper = createRowMapper(
      m,
      header('Section', 'Unit', 'First', 'Last', 'E-mail', 'Email', 'Status', 'Balance', ''),
    );
    const report = mapper.headerReport();
    expect(report.fields).toContainEqual({
      field: 'name',
      lookedFor: ['First', 'Last'],
      columns: ['First', 'Last'],
    });
    expect(report.fields).toContainEqual({ field: 'email', lookedFor: ['Email'], columns: ['Email'] });
    expect(report.unmapped).toEqual(['E-mail', 'Balance']);
    expect(report.problems).toEqual([]);
  });
});

describe('shipped sample exports', () => {
  const root = path.resolve(import.meta.dirname, '../..');

  /** A tiny stand-in for the streaming CSV source: whole file, header found by the mapping's rule. */
  async function mapExport(mappingFile: string, exportFile: string) {
    const mapping = await loadMappingFile(path.join(root, 'mappings', mappingFile));
    const bytes = readFileSync(path.join(root, 'examples/exports', exportFile));
    const text =
      mapping.csv.encoding === 'windows-1252' ? iconv.decode(bytes, 'win1252') : bytes.toString('utf8');
    const delimiter = mapping.csv.delimiter === 'auto' ? ',' : mapping.csv.delimiter;
    // With `info`, csv-parse yields { record, info } objects; its typings only know string[][].
    const parsed = parse(text, { delimiter, relax_column_count: true, info: true }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
    const rule = mapping.csv.header;
    const at =
      'line' in rule
        ? parsed.findIndex((r) => r.info.lines === rule.line)
        : parsed.findIndex((r) =>
            rule.contains.every((c) =>
              r.record.some((cell) => cell.trim().toLowerCase() === c.toLowerCase()),
            ),
          );
    const head = parsed[at];
    if (!head) throw new Error(`no header in ${exportFile}`);
    const mapper = createRowMapper(mapping, {
      line: head.info.lines,
      columns: head.record.map((c) => c.trim()),
    });
    const records: ResidentRecord[] = [];
    const rejected: RejectedRow[] = [];
    let skipped = 0;
    for (const r of parsed.slice(at + 1)) {
      const row: SourceRow = { line: r.info.lines, cells: r.record };
      const out = mapper.mapRow(row);
      records.push(...out.records);
      rejected.push(...out.rejected);
      if (out.skipped) skipped++;
    }
    const who = (email: string) => records.find((r) => r.email === email);
    return { records, rejected, skipped, who, report: mapper.headerReport() };
  }

  it('generic-residents.csv: the README demo', async () => {
    const { records, rejected, skipped, who } = await mapExport('generic.yaml', 'generic-residents.csv');
    expect([records.length, rejected.length, skipped]).toEqual([9, 1, 0]);
    expect(who('ana.gomez@example.com')).toMatchObject({
      integrationId: MAPLE,
      unit: '101',
      status: 'current',
      openappUserId: '01JHMXBGD068YSJKY5Y5XFM7F0',
      phone: '+13125550101',
    });
    expect(who('eve.martin@example.com')).toMatchObject({
      unit: '102',
      status: 'past',
      moveOut: '2026-10-31',
    });
    expect(who('gina.liu@example.com')).toMatchObject({
      integrationId: MAPLE,
      unit: '103',
      status: 'current',
    });
    expect(who('dev.singh@example.com')).toMatchObject({ integrationId: BIRCH, status: 'current' });
    expect(who('hana.new@example.com')).toMatchObject({
      integrationId: BIRCH,
      status: 'future',
      moveIn: '2026-11-20',
    });
    expect(who('kofi.mensah@example.com')).toMatchObject({ status: 'notice', moveOut: '2026-12-15' });
    expect(who('lena.fischer@example.com')).toMatchObject({ status: 'review', rawStatus: 'Pending Review' });
    const couple = records.filter((r) => r.email === 'petrov.family@example.com');
    expect(couple.map((r) => r.name)).toEqual(['Ivan Petrov', 'Julia Petrov']);
    expect(new Set(couple.map(recordKey)).size).toBe(2);
    expect(new Set(couple.map((r) => r.unit))).toEqual(new Set(['1203']));
    expect(rejected).toEqual([
      {
        line: 11,
        errors: [
          'column move_in: "2026-13-01" is not a valid calendar date (formats tried: yyyy-MM-dd, M/d/yyyy); correct it in the PMS',
        ],
        identifies: { email: 'marco.rossi@example.com', personId: 'P1010', integrationId: BIRCH },
      },
    ]);
  });

  it('yardi-rent-roll.csv: sections, totals, vacant units and the trailer are skipped', async () => {
    const { records, rejected, skipped, who, report } = await mapExport(
      'yardi-rent-roll.yaml',
      'yardi-rent-roll.csv',
    );
    expect([records.length, rejected.length, skipped]).toEqual([9, 1, 14]);
    expect(records.filter((r) => r.unit === '101').map((r) => [r.name, r.personId])).toEqual([
      ['Ana Gomez', 't0002191'],
      ['Mateo Gomez', 't0002192'],
    ]);
    expect(who('ben.okafor@example.com')).toMatchObject({ status: 'review', rawStatus: 'Eviction' });
    expect(who('chloe.park@example.com')).toMatchObject({ status: 'inactive' });
    expect(who('kofi.mensah@example.com')).toMatchObject({
      status: 'notice',
      moveOut: '2026-12-15',
      leaseEnd: '2026-02-28',
    });
    expect(who('dev.singh@example.com')).toMatchObject({ integrationId: BIRCH, moveIn: '2025-09-15' });
    expect(rejected[0]?.line).toBe(13);
    expect(rejected[0]?.errors[0]).toContain('looks like an Excel serial date');
    expect(report.unmapped).toEqual([
      'Unit Type',
      'Unit Sq Ft',
      'Market Rent',
      'Actual Rent',
      'Resident Deposit',
      'Balance',
    ]);
  });

  it('appfolio-tenant-directory.csv: several emails per household, labelled phones, other properties ignored', async () => {
    const { records, rejected, skipped, who } = await mapExport(
      'appfolio-tenant-directory.yaml',
      'appfolio-tenant-directory.csv',
    );
    expect([records.length, rejected.length, skipped]).toEqual([9, 1, 1]);
    expect(who('ana.gomez@example.com')).toMatchObject({
      name: 'Ana Gomez',
      personId: '4101',
      phone: '+13125550101',
    });
    expect(who('luis.gomez@example.com')).toMatchObject({
      name: 'luis.gomez@example.com',
      leaseId: '7001',
      unit: '101',
    });
    expect(who('luis.gomez@example.com')?.personId).toBeUndefined();
    expect(who('kofi@work.example.com')).toMatchObject({ status: 'notice', moveOut: '2026-12-15' });
    expect(who('ben.okafor@example.com')).toMatchObject({ status: 'current', rawStatus: 'Evict' });
    expect(who('dev.singh@example.com')?.phone).toBe('+13125550140');
    expect(rejected).toEqual([
      {
        line: 14,
        errors: ['column Tenant Email: not an email address; correct it in the PMS'],
        identifies: { personId: '4207', integrationId: BIRCH },
      },
    ]);
  });

  it('buildium-tenants.csv: alternate emails, ISO dates with a time, people with no contact', async () => {
    const { records, rejected, skipped, who } = await mapExport(
      'buildium-tenants.yaml',
      'buildium-tenants.csv',
    );
    expect([records.length, rejected.length, skipped]).toEqual([7, 2, 1]);
    expect(who('eve.martin@example.com')).toMatchObject({
      status: 'past',
      rawStatus: 'MovedOut',
      moveOut: '2026-10-31',
    });
    expect(who('gina.liu@example.com')?.phone).toBe('+13125550103');
    expect(who('dev.singh@example.com')).toMatchObject({ moveIn: '2025-09-15', leaseEnd: '2026-09-14' });
    expect(rejected.map((r) => [r.line, r.identifies?.personId])).toEqual([
      [9, '30108'],
      [10, '30109'],
    ]);
  });

  it('entrata-leases.csv: residents as column groups, eviction as a sub-status', async () => {
    const { records, rejected, skipped, who } = await mapExport('entrata-leases.yaml', 'entrata-leases.csv');
    expect([records.length, rejected.length, skipped]).toEqual([9, 1, 1]);
    expect(records.filter((r) => r.leaseId === '88001').map((r) => [r.name, r.moveOut])).toEqual([
      ['Ana Gomez', undefined],
      ['Luis Gomez', '2026-11-30'],
    ]);
    expect(who('ben.okafor@example.com')).toMatchObject({ status: 'review', rawStatus: 'Current Eviction' });
    expect(who('tom.baker@example.com')?.status).toBe('inactive');
    expect(rejected).toEqual([
      {
        line: 4,
        errors: [
          'no email, phone or OpenApp user id (columns Resident 3 Email and Resident 3 Phone are empty); add an email in the PMS so the resident can be found or invited in OpenApp',
        ],
        identifies: { personId: 'C2003', integrationId: BIRCH },
      },
    ]);
  });

  it('realpage-resident-list.csv: Windows-1252 names, building from the unit, unknown buildings rejected', async () => {
    const { records, rejected, skipped, who } = await mapExport(
      'realpage-resident-list.yaml',
      'realpage-resident-list.csv',
    );
    expect([records.length, rejected.length, skipped]).toEqual([7, 1, 1]);
    expect(who('renee.dube@example.com')).toMatchObject({
      name: 'Renée Dubé',
      personId: '0001003',
      integrationId: MAPLE,
    });
    expect(who('siobhan.obrien@example.com')).toMatchObject({
      name: 'Siobhan O’Brien',
      unit: '02-1201',
      integrationId: BIRCH,
    });
    expect(who('hana.new@example.com')).toMatchObject({
      status: 'future',
      rawStatus: 'Applicant - Lease Signed',
    });
    expect(who('jae.kim@example.com')?.status).toBe('inactive');
    expect(rejected).toEqual([
      {
        line: 15,
        errors: [
          'no building for unit "03-301": no buildings.table rule matches; add a rule, or set buildings.unmatched: ignore if this feed does not cover it',
        ],
        identifies: { email: 'ada.stone@example.com', personId: '0003001' },
      },
    ]);
  });

  it('every record of every sample is a valid canonical record', async () => {
    const pairs = [
      ['generic.yaml', 'generic-residents.csv'],
      ['yardi-rent-roll.yaml', 'yardi-rent-roll.csv'],
      ['appfolio-tenant-directory.yaml', 'appfolio-tenant-directory.csv'],
      ['buildium-tenants.yaml', 'buildium-tenants.csv'],
      ['entrata-leases.yaml', 'entrata-leases.csv'],
      ['realpage-resident-list.yaml', 'realpage-resident-list.csv'],
    ] as const;
    for (const [mappingFile, exportFile] of pairs) {
      const { records } = await mapExport(mappingFile, exportFile);
      for (const r of records) expect(residentRecordSchema.safeParse(r).success).toBe(true);
      expect(new Set(records.map(recordKey)).size, exportFile).toBe(records.length);
    }
  });
});
