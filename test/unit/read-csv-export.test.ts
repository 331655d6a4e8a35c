import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMappingFile } from '../../src/mappings/load-mapping.js';
import { readCsvExport } from '../../src/sync/read-csv-export.js';

const MAPPING = 'mappings/generic.yaml';
const EXPORT = 'examples/exports/generic-residents.csv';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'read-csv-export-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readCsvExport: the hash of the export', () => {
  it('is the SHA-256 of the file read to the end', async () => {
    const snapshot = await readCsvExport(await loadMappingFile(MAPPING), EXPORT);
    expect(snapshot.complete).toBe(true);
    expect(snapshot.sha256).toBe(sha256(await readFile(EXPORT)));
  });

  it('is the SHA-256 of the whole file when the read stopped at an unclosed quote', async () => {
    const cut = Buffer.concat([await readFile(EXPORT), Buffer.from('"never closed,\n')]);
    const file = join(dir, 'cut.csv');
    await writeFile(file, cut);
    const snapshot = await readCsvExport(await loadMappingFile(MAPPING), file);
    expect(snapshot.complete).toBe(false);
    expect(snapshot.sha256).toBe(sha256(cut));
  });
});
