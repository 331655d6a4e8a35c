/**
 * Loads and checks the feeds file at start: the file itself, then each feed's mapping (loaded and
 * validated) and its buildings (covered by the mapping). Every problem at once, each with its place.
 */
import path from 'node:path';
import { describeIssues, documentErrorMap, readDocumentFile } from '../core/document-file.js';
import { loadMappingFile } from '../mappings/load-mapping.js';
import { MappingError } from '../mappings/mapping-error.js';
import type { Mapping } from '../mappings/mapping-schema.js';
import type { SourceSpec } from '../sync/read-source.js';
import { databaseFeedProblems } from './database-feed-checks.js';
import { feedsFileSchema, type FeedConfig } from './feed-schema.js';

export class FeedsFileError extends Error {
  override readonly name = 'FeedsFileError';
  constructor(
    readonly file: string,
    readonly problems: string[],
    options?: { cause?: unknown },
  ) {
    super(`${file} is not a valid feeds file:\n${problems.map((p) => `  - ${p}`).join('\n')}`, options);
  }
}

/** A feed ready to run: its configuration, its mapping, and absolute paths. */
export interface Feed {
  config: FeedConfig;
  mapping: Mapping;
  mappingFile: string;
  /** Where each run reads the residents: the CSV file (an absolute path) or the PMS database. */
  source: SourceSpec;
  /** The CSV file of a CSV feed (as `source.file`). */
  csvFile?: string;
  /** The integrations this feed may change. */
  buildings: string[];
}

export async function loadFeedsFile(file: string): Promise<Map<string, Feed>> {
  const label = path.basename(file);
  const raw = await readDocumentFile(
    file,
    (problems, cause) => new FeedsFileError(file, problems, { cause }),
  );
  const parsed = feedsFileSchema.safeParse(raw, { error: documentErrorMap });
  if (!parsed.success) throw new FeedsFileError(file, describeIssues(parsed.error.issues, label));

  const dir = path.dirname(path.resolve(file));
  const feeds = new Map<string, Feed>();
  const problems: string[] = [];
  for (const [i, config] of parsed.data.feeds.entries()) {
    const where = `${label} > feeds[${i}]`;
    const mappingFile = path.resolve(dir, config.mapping);
    let mapping: Mapping;
    try {
      mapping = await loadMappingFile(mappingFile);
    } catch (err) {
      if (!(err instanceof MappingError)) throw err;
      problems.push(...err.problems.map((p) => `${where} > mapping: ${p}`));
      continue;
    }
    const table = mapping.buildings.table.map((b) => b.integration_id);
    const buildings = config.buildings ?? [...new Set(table)];
    if (mapping.fields.integration_id === undefined) {
      config.buildings?.forEach((b, n) => {
        if (!table.includes(b))
          problems.push(`${where} > buildings[${n}]: "${b}" is not in the mapping's buildings table`);
      });
    }
    if (buildings.length === 0)
      problems.push(`${where} > buildings: required when the mapping reads the integration from a column`);
    problems.push(...databaseFeedProblems(config, mapping, where));
    const source: SourceSpec =
      'csv' in config.source
        ? { kind: 'csv', file: path.resolve(dir, config.source.csv) }
        : {
            kind: 'database',
            urlEnv: config.source.database.url_env,
            parameters: config.source.database.parameters,
            label: `feed ${config.name}`,
          };
    feeds.set(config.name, {
      config,
      mapping,
      mappingFile,
      source,
      ...(source.kind === 'csv' ? { csvFile: source.file } : {}),
      buildings,
    });
  }
  if (problems.length > 0) throw new FeedsFileError(file, problems);
  return feeds;
}
