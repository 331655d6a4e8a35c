import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FeedsFileError, loadFeedsFile } from '../../src/feeds/load-feeds.js';

const root = new URL('../../', import.meta.url).pathname;
const dirs: string[] = [];
afterEach(async () => {
  while (dirs.length) await rm(dirs.pop() as string, { recursive: true, force: true });
});

async function feedsFile(text: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pms-sync-feeds-'));
  dirs.push(dir);
  const file = path.join(dir, 'feeds.yaml');
  await writeFile(file, text.replaceAll('MAPPING', path.join(root, 'mappings/generic.yaml')));
  return file;
}

async function problems(text: string): Promise<string[]> {
  try {
    await loadFeedsFile(await feedsFile(text));
    return [];
  } catch (err) {
    if (err instanceof FeedsFileError) return err.problems;
    throw err;
  }
}

describe('feeds file', () => {
  it('loads the example, resolving paths against the file and defaulting buildings to the mapping table', async () => {
    const feeds = await loadFeedsFile(path.join(root, 'examples/feeds.yaml'));
    const feed = feeds.get('maple-group');
    expect(feed?.csvFile).toBe(path.join(root, 'examples/exports/generic-residents.csv'));
    expect(feed?.buildings).toEqual(['01JHMXBDF8Y1BPPS5GDYJVYF4E', '01JHMXBEEGMNFDYXGRFHE5X3F8']);
    expect(feed?.config.schedule).toEqual({ cron: '15 3 * * *', time_zone: 'America/Chicago' });
    expect(feed?.config.guards.max_shrink_percent).toBe(30);
  });

  it.each([
    [
      'a missing name',
      'feeds:\n  - mapping: MAPPING\n    source: { csv: x.csv }\n',
      'feeds.yaml > feeds[0] > name: required',
    ],
    [
      'a name that cannot name keys',
      'feeds:\n  - name: Maple Group\n    mapping: MAPPING\n    source: { csv: x.csv }\n',
      'feeds.yaml > feeds[0] > name: use lower-case letters, digits and dashes (it names queues and keys)',
    ],
    [
      'a bad time zone',
      "feeds:\n  - name: a\n    mapping: MAPPING\n    source: { csv: x.csv }\n    schedule: { cron: '0 3 * * *', time_zone: Mars/Olympus }\n",
      'feeds.yaml > feeds[0] > schedule > time_zone: not an IANA time zone',
    ],
    [
      'a feed named twice',
      'feeds:\n  - name: a\n    mapping: MAPPING\n    source: { csv: x.csv }\n  - name: a\n    mapping: MAPPING\n    source: { csv: y.csv }\n',
      'feeds.yaml > feeds[1] > name: "a" is used twice',
    ],
    [
      'a building the mapping does not place',
      'feeds:\n  - name: a\n    mapping: MAPPING\n    source: { csv: x.csv }\n    buildings: [NOPE]\n',
      'feeds.yaml > feeds[0] > buildings[0]: "NOPE" is not in the mapping\'s buildings table',
    ],
    [
      'a mapping that does not exist',
      'feeds:\n  - name: a\n    mapping: missing.yaml\n    source: { csv: x.csv }\n',
      'feeds.yaml > feeds[0] > mapping: missing.yaml: cannot read the file: ENOENT',
    ],
    ['a YAML syntax error', 'feeds:\n  - name: [a\n', 'feeds.yaml: line 3, column 1'],
  ])('reports %s with its place', async (_label, text, expected) => {
    expect((await problems(text)).join('\n')).toContain(expected);
  });
});
