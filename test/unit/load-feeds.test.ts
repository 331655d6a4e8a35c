import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pollIntervalMs } from '../../src/feeds/feed-schema.js';
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
  // Variants of the database mapping: without default parameters, without a changed_since query.
  const db = await readFile(path.join(root, 'mappings/pms-db.yaml'), 'utf8');
  await writeFile(
    path.join(dir, 'no-params.yaml'),
    db.replace(/ {2}parameters:\n {4}portfolio: MAPLE\n/, ''),
  );
  await writeFile(path.join(dir, 'no-poll.yaml'), db.replace(/ {2}changed_since:[\s\S]*?\n\n/, '\n'));
  await writeFile(
    file,
    text
      .replaceAll('DBMAPPING', path.join(root, 'mappings/pms-db.yaml'))
      .replaceAll('NOPARAMS', path.join(dir, 'no-params.yaml'))
      .replaceAll('NOPOLL', path.join(dir, 'no-poll.yaml'))
      .replaceAll('MAPPING', path.join(root, 'mappings/generic.yaml')),
  );
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
    [
      'a database URL variable the logs would not hide',
      'feeds:\n  - name: a\n    mapping: DBMAPPING\n    source: { database: { url_env: PMS_DB } }\n',
      'feeds.yaml > feeds[0] > source > database > url_env: an environment variable whose name ends in DATABASE_URL',
    ],
    [
      'a database source with a mapping that has no database section',
      'feeds:\n  - name: a\n    mapping: MAPPING\n    source: { database: { url_env: PMS_DATABASE_URL } }\n',
      'feeds.yaml > feeds[0] > mapping: "Generic one-row-per-person CSV" has no `database` section',
    ],
    [
      'a query parameter without a value',
      'feeds:\n  - name: a\n    mapping: NOPARAMS\n    source: { database: { url_env: PMS_DATABASE_URL } }\n',
      'feeds.yaml > feeds[0] > source > database > parameters: no value for :portfolio',
    ],
    [
      'a CSV feed that polls',
      'feeds:\n  - name: a\n    mapping: MAPPING\n    source: { csv: x.csv }\n    poll: { every: 5m }\n',
      'feeds.yaml > feeds[0] > poll: only a database source can be polled',
    ],
    [
      'a poll interval too short',
      'feeds:\n  - name: a\n    mapping: DBMAPPING\n    source: { database: { url_env: PMS_DATABASE_URL } }\n    poll: { every: 1s }\n',
      'feeds.yaml > feeds[0] > poll > every: expected an interval from 10s to 24h',
    ],
    [
      'a poll with no changed_since query',
      'feeds:\n  - name: a\n    mapping: NOPOLL\n    source: { database: { url_env: PMS_DATABASE_URL } }\n    poll: { every: 5m }\n',
      'feeds.yaml > feeds[0] > poll: the mapping "Demo PMS database" has no `database.changed_since` query',
    ],
  ])('reports %s with its place', async (_label, text, expected) => {
    expect((await problems(text)).join('\n')).toContain(expected);
  });

  it("loads a database feed: the URL variable, parameters over the mapping's, and its poll", async () => {
    const file = await feedsFile(
      'feeds:\n  - name: maple-db\n    mapping: DBMAPPING\n    source:\n      database: { url_env: PMS_DATABASE_URL, parameters: { portfolio: OAK } }\n    poll: { every: 30s }\n',
    );
    const feed = (await loadFeedsFile(file)).get('maple-db');
    expect(feed?.source).toEqual({
      kind: 'database',
      urlEnv: 'PMS_DATABASE_URL',
      parameters: { portfolio: 'OAK' },
      label: 'feed maple-db',
    });
    expect(feed?.csvFile).toBeUndefined();
    expect(feed?.config.poll).toEqual({ every: '30s' });
    expect(pollIntervalMs('30s')).toBe(30_000);
  });

  it('loads the database example', async () => {
    const feeds = await loadFeedsFile(path.join(root, 'examples/feeds-database.yaml'));
    expect(feeds.get('maple-db')?.source).toMatchObject({ kind: 'database', urlEnv: 'PMS_DATABASE_URL' });
  });
});
