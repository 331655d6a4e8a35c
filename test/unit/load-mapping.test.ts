import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMappingFile, parseMapping } from '../../src/mappings/load-mapping.js';
import { MappingError } from '../../src/mappings/mapping-error.js';
import { MAPPING_SCHEMA_FILE, renderMappingSchema } from '../../scripts/write-mapping-schema.js';

const MAPPINGS_DIR = path.resolve(import.meta.dirname, '../../mappings');

type Raw = Record<string, unknown> & {
  fields: Record<string, unknown>;
  status: Record<string, unknown>;
  access: Record<string, unknown>;
};

const valid = (): Raw => ({
  name: 'Test',
  pms: 'other',
  fields: { unit: 'Unit', name: 'Name', email: 'Email', status: 'Status' },
  status: { current: ['Current'], past: ['Past'] },
  buildings: { table: [{ integration_id: '01JHMXBDF8Y1BPPS5GDYJVYF4E' }] },
  access: { time_zone: 'America/Chicago' },
});

function problems(mutate: (m: Raw) => void): string[] {
  const raw = valid();
  mutate(raw);
  try {
    parseMapping(raw, '/somewhere/x.yaml');
    return [];
  } catch (err) {
    if (err instanceof MappingError) return err.problems;
    throw err;
  }
}

describe('shipped mappings', async () => {
  const files = (await readdir(MAPPINGS_DIR)).filter((f) => f.endsWith('.yaml'));

  it('include one mapping per documented PMS export', () => {
    expect(files.sort()).toEqual([
      'appfolio-tenant-directory.yaml',
      'buildium-tenants.yaml',
      'entrata-leases.yaml',
      'generic.yaml',
      'pms-db.yaml',
      'realpage-resident-list.yaml',
      'yardi-rent-roll.yaml',
    ]);
  });

  it.each(files)('%s loads, points editors at the schema and maps to the seed buildings', async (file) => {
    const text = await readFile(path.join(MAPPINGS_DIR, file), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./mapping.schema.json');
    const mapping = await loadMappingFile(path.join(MAPPINGS_DIR, file));
    const ids = new Set(mapping.buildings.table.map((b) => b.integration_id));
    expect(ids).toEqual(new Set(['01JHMXBDF8Y1BPPS5GDYJVYF4E', '01JHMXBEEGMNFDYXGRFHE5X3F8']));
    expect(mapping.access.time_zone).toMatch(/^America\//);
  });

  it('the committed JSON Schema is what `npm run mappings:schema` writes', async () => {
    const committed = await readFile(MAPPING_SCHEMA_FILE, 'utf8');
    expect(committed, 'run `npm run mappings:schema`').toBe(await renderMappingSchema());
  });
});

describe('mapping problems name the file and the path', () => {
  it('fills defaults for a minimal mapping', () => {
    const m = parseMapping(valid(), 'x.yaml');
    expect(m.csv).toEqual({ delimiter: 'auto', encoding: 'auto', header: { line: 1 } });
    expect(m.people).toEqual({ mode: 'row' });
    expect(m.buildings.unmatched).toBe('reject');
    expect(m.access.role_template).toBe('virtual_access:integration:{integration_id}:resident');
    expect(m.policy.guards).toEqual({ max_removals: 10, max_removal_percent: 20, max_rejected_percent: 10 });
  });

  it.each<[string, (m: Raw) => void, string]>([
    ['a missing unit field', (m) => delete m.fields.unit, 'x.yaml > fields > unit: required'],
    [
      'no way to find the person',
      (m) => delete m.fields.email,
      'x.yaml > fields > email: required: at least one of `email`, `phone` or `openapp_user_id` to find the person in OpenApp',
    ],
    ['a misspelt field', (m) => (m.fields.emial = 'E'), 'x.yaml > fields: Unrecognized key: "emial"'],
    [
      'a bad regex in a skip rule',
      (m) => (m.skip_rows = [{ matches: 'Total' }, { matches: '(unclosed' }]),
      'x.yaml > skip_rows[1] > matches: not a valid regular expression',
    ],
    [
      'a bad regex in a field split',
      (m) => (m.fields.email = { column: 'Email', split: '[' }),
      'x.yaml > fields > email > split: not a valid regular expression',
    ],
    [
      'a skip rule of no known form',
      (m) => (m.skip_rows = [{}]),
      'x.yaml > skip_rows[0]: fits none of its forms: matches: required; or empty: required',
    ],
    [
      'a field spec of the wrong type',
      (m) => (m.fields.email = 5),
      'x.yaml > fields > email: expected string or array or object',
    ],
    [
      'an unknown time zone',
      (m) => (m.access.time_zone = 'America/Chicag'),
      'x.yaml > access > time_zone: not an IANA time zone',
    ],
    ['a missing time zone', (m) => delete m.access.time_zone, 'x.yaml > access > time_zone: required'],
    [
      'eviction values without a policy',
      (m) => (m.status.eviction = ['Eviction']),
      'x.yaml > status > eviction_policy: required when `eviction` lists values: keep_access, remove_access or review',
    ],
    [
      'no status column and no assumed status',
      (m) => delete m.fields.status,
      'x.yaml > fields > status: required: `fields.status`, or `status.assume` for exports with no status column',
    ],
    [
      'no building rule',
      (m) => (m.buildings = { table: [] }),
      'x.yaml > buildings > table: required: a `table`, or `fields.integration_id` naming a column that holds it',
    ],
    [
      'a status value with two meanings',
      (m) => (m.status.notice = ['current ']),
      'x.yaml > status > notice[0]: "current" is also listed under current',
    ],
    [
      'a date format that does not read a day',
      (m) => (m.date_formats = ['yyyy-MM-dd', 'MM/yyyy']),
      'x.yaml > date_formats[1]: "MM/yyyy" does not read a full date (year, month and day in Luxon tokens, e.g. "MM/dd/yyyy")',
    ],
    [
      '`{n}` outside groups mode',
      (m) => (m.fields.email = 'Resident {n} Email'),
      'x.yaml > fields > email: `{n}` in a column name needs `people: { mode: groups, count: … }`',
    ],
    [
      'groups mode without `{n}`',
      (m) => (m.people = { mode: 'groups', count: 3 }),
      'x.yaml > people > mode: groups needs `{n}` in the columns of each person, e.g. "Resident {n} Email"',
    ],
    [
      'packed mode on a field that does not split',
      (m) => (m.people = { mode: 'packed', split_by: 'email' }),
      'x.yaml > people > split_by: `fields.email` must have `split` (the separator regex, e.g. "[;,]") to yield one person per item',
    ],
    [
      'an unknown people mode',
      (m) => (m.people = { mode: 'pack' }),
      "x.yaml > people > mode: Invalid discriminator value. Expected 'row' | 'packed' | 'groups'",
    ],
    [
      'prefer_labels without split',
      (m) => (m.fields.phone = { column: 'Phones', prefer_labels: ['Mobile'] }),
      'x.yaml > fields > phone > prefer_labels: needs `split`: the separator between the labelled items, e.g. ","',
    ],
    [
      'a template without columns',
      (m) => (m.fields.name = { template: 'First Last' }),
      'x.yaml > fields > name > template: write column names in braces, e.g. "{First Name} {Last Name}"',
    ],
    [
      'both column and template',
      (m) => (m.fields.name = { column: 'Name', template: '{First} {Last}' }),
      'x.yaml > fields > name: give exactly one of `column` or `template`',
    ],
  ])('reports %s', (_label, mutate, expected) => {
    expect(problems(mutate)).toContain(expected);
  });

  it('reports every problem at once', () => {
    const found = problems((m) => {
      m.access.time_zone = 'Nowhere/Town';
      m.skip_rows = [{ matches: '(' }];
    });
    expect(found).toEqual([
      'x.yaml > skip_rows[0] > matches: not a valid regular expression',
      'x.yaml > access > time_zone: not an IANA time zone',
    ]);
  });

  it('puts the file in the error message', () => {
    expect(() => parseMapping({}, 'mappings/x.yaml')).toThrow(
      /^mappings\/x\.yaml is not a valid mapping:\n {2}- x\.yaml > name: required/,
    );
  });
});

describe('reading mapping files', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pms-sync-mapping-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function loadProblems(name: string, text: string): Promise<string[]> {
    const file = path.join(dir, name);
    await writeFile(file, text);
    try {
      await loadMappingFile(file);
      return [];
    } catch (err) {
      if (!(err instanceof MappingError)) throw err;
      expect(err.file).toBe(file);
      return err.problems;
    }
  }

  const yaml = [
    'name: Test',
    'pms: other',
    'fields:',
    '  unit: Unit',
    '  name: { column: Name, format: last_first }',
    '  email: Email',
    '  status: Status',
    'status:',
    '  current: [Current]',
    'buildings:',
    '  table:',
    '    - integration_id: 01JHMXBDF8Y1BPPS5GDYJVYF4E',
    'access:',
    '  time_zone: America/Chicago',
    '',
  ].join('\n');

  it('reads YAML (with a byte order mark) and JSON alike', async () => {
    await writeFile(path.join(dir, 'a.yaml'), `\uFEFF${yaml}`);
    await writeFile(path.join(dir, 'a.json'), JSON.stringify(parseMapping(valid(), 'x')));
    const fromYaml = await loadMappingFile(path.join(dir, 'a.yaml'));
    expect(fromYaml.fields.name).toEqual({ column: 'Name', format: 'last_first' });
    expect((await loadMappingFile(path.join(dir, 'a.json'))).name).toBe('Test');
  });

  it('reports a YAML syntax error with its line and column', async () => {
    const broken = yaml.replace('  email: Email', '  email: Email\n   status: [Current');
    const found = await loadProblems('broken.yml', broken);
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toMatch(/^broken\.yml: line 6, column \d+: /);
  });

  it('reports a duplicate key with its line', async () => {
    expect(await loadProblems('dup.yaml', `${yaml}name: Again\n`)).toEqual([
      'dup.yaml: line 15, column 1: Map keys must be unique',
    ]);
  });

  it('reports schema problems of a YAML file with its name', async () => {
    expect(await loadProblems('no-unit.yaml', yaml.replace('  unit: Unit\n', ''))).toEqual([
      'no-unit.yaml > fields > unit: required',
    ]);
  });

  it('reports invalid JSON', async () => {
    const [problem] = await loadProblems('bad.json', '{ "name": ');
    expect(problem).toMatch(/^bad\.json: not valid JSON: /);
  });

  it('refuses other extensions and unreadable files', async () => {
    expect(await loadProblems('mapping.txt', yaml)).toEqual([
      'mapping.txt: expected a .yaml, .yml or .json file',
    ]);
    await expect(loadMappingFile(path.join(dir, 'absent.yaml'))).rejects.toThrow(
      /absent\.yaml: cannot read the file: ENOENT/,
    );
  });
});
