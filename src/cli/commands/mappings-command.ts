/**
 * `pms-sync mappings validate FILE` and `pms-sync mappings check --mapping M --csv FILE` (or
 * `--database-url-env NAME`): check a mapping, and how an export or the PMS database fits it,
 * before any sync runs.
 */
import type { Command } from 'commander';
import { loadMappingFile } from '../../mappings/load-mapping.js';
import { createRowMapper, inspectHeader } from '../../mappings/map-rows.js';
import type { ResidentRecord } from '../../core/resident-record.js';
import type { Mapping } from '../../mappings/mapping-schema.js';
import { openCsvSource } from '../../sources/csv-source.js';
import { SourceReadError, type SourceHeader, type SourceRow } from '../../sources/source-row.js';
import { openMappingQuery } from '../../sync/read-database-export.js';
import type { SourceSpec } from '../../sync/read-source.js';
import { sourceOf, withSourceOptions, type SourceFlags } from '../source-options.js';
import { EXIT } from '../exit-codes.js';
import { integerOption } from '../option-parsers.js';

const out = (line = '') => process.stdout.write(`${line}\n`);

export function registerMappingsCommand(program: Command): void {
  const group = program.command('mappings').description('check mapping files and how an export fits them');

  group
    .command('validate <files...>')
    .description('validate mapping files (errors name the file and the path)')
    .action(async (files: string[]) => {
      for (const file of files) {
        const mapping = await loadMappingFile(file);
        out(`${file}: ok (${mapping.name}, ${mapping.buildings.table.length} building rules)`);
      }
    });

  withSourceOptions(group.command('check'))
    .description(
      "read an export (or the mapping's database query) with a mapping: header fit, unmapped columns, the first records, row errors",
    )
    .option('--rows <n>', 'records to show', integerOption(0, 1000), 5)
    .option('--json', 'print JSON')
    .action(async (flags: SourceFlags & { rows: number; json?: boolean }) => {
      const spec = sourceOf(flags);
      const mapping = await loadMappingFile(flags.mapping);
      const source = await openSource(mapping, spec);
      try {
        const result = await checkSource(mapping, source, flags.rows);
        if (flags.json) out(JSON.stringify(result, null, 2));
        else printCheck(result);
        process.exitCode = result.problems.length > 0 || result.readProblem ? EXIT.usage : EXIT.ok;
      } finally {
        await source.close();
      }
    });
}

interface OpenedSource {
  /** The file, or which database. */
  name: string;
  /** How the file was read; absent for a database. */
  encoding?: string;
  delimiter?: string;
  header: SourceHeader;
  rows: AsyncIterable<SourceRow>;
  close(): Promise<void>;
}

async function openSource(mapping: Mapping, spec: SourceSpec): Promise<OpenedSource> {
  if (spec.kind === 'database') {
    const db = await openMappingQuery(mapping, spec, process.env);
    return { name: spec.label, ...db };
  }
  const csv = await openCsvSource(spec.file, {
    delimiter: mapping.csv.delimiter,
    encoding: mapping.csv.encoding,
    header: mapping.csv.header,
  });
  return {
    name: spec.file,
    // A getter: the encoding can settle while the rows are read.
    get encoding() {
      return csv.encoding;
    },
    delimiter: csv.delimiter,
    header: csv.header,
    rows: csv.rows,
    close: async () => undefined,
  };
}

type CheckResult = Awaited<ReturnType<typeof checkSource>>;

async function checkSource(mapping: Mapping, source: OpenedSource, show: number) {
  const report = inspectHeader(mapping, source.header);
  const records: ResidentRecord[] = [];
  const rejected: { line: number; errors: string[] }[] = [];
  const counts = { rows: 0, skipped: 0, records: 0, rejected: 0 };
  let readProblem: string | undefined;
  if (report.problems.length === 0) {
    const mapper = createRowMapper(mapping, source.header, { file: source.name });
    // Counted as they stream, not collected: a check of a million-row source keeps the first few.
    try {
      for await (const row of source.rows) {
        const mapped = mapper.mapRow(row);
        if (mapped.skipped) {
          counts.skipped++;
          continue;
        }
        counts.rows++;
        counts.records += mapped.records.length;
        counts.rejected += mapped.rejected.length;
        for (const r of mapped.records) if (records.length < show) records.push(r);
        for (const r of mapped.rejected) rejected.push({ line: r.line, errors: r.errors });
      }
    } catch (err) {
      if (!(err instanceof SourceReadError)) throw err;
      readProblem = err.message;
    }
  }
  return {
    mapping: mapping.name,
    file: source.name,
    ...(source.encoding === undefined ? {} : { encoding: source.encoding }),
    ...(source.delimiter === undefined ? {} : { delimiter: source.delimiter }),
    header: { line: source.header.line, columns: source.header.columns },
    fields: report.fields,
    unmapped: report.unmapped,
    problems: report.problems,
    records,
    rejected,
    counts,
    readProblem,
  };
}

function printCheck(r: CheckResult): void {
  out(
    r.encoding === undefined
      ? `${r.file} with mapping "${r.mapping}": the query's columns are the header`
      : `${r.file} with mapping "${r.mapping}": ${r.encoding}, delimiter ${JSON.stringify(r.delimiter)}, header on line ${r.header.line}`,
  );
  out('Fields:');
  for (const f of r.fields) {
    const label = f.group === undefined ? f.field : `${f.field} (group ${f.group})`;
    out(
      `  ${label.padEnd(24)} ${f.columns.length > 0 ? f.columns.join(' + ') : `(none of: ${f.lookedFor.join(', ')})`}`,
    );
  }
  if (r.unmapped.length > 0) out(`Columns no field reads: ${r.unmapped.join(', ')}`);
  for (const p of r.problems) out(`PROBLEM: ${p}`);
  if (r.problems.length > 0) return;
  out(
    `Rows: ${r.counts.rows} data, ${r.counts.skipped} skipped; ${r.counts.records} records, ${r.counts.rejected} rejected`,
  );
  if (r.readProblem) out(`The source could not be read to the end: ${r.readProblem}`);
  if (r.records.length > 0) {
    out(`First ${r.records.length} records:`);
    for (const rec of r.records) out(`  ${JSON.stringify(rec)}`);
  }
  if (r.rejected.length > 0) {
    out('Rejected rows:');
    for (const x of r.rejected.slice(0, 50)) out(`  line ${x.line}: ${x.errors.join('; ')}`);
    if (r.rejected.length > 50) out(`  … and ${r.rejected.length - 50} more (use --json for all)`);
  }
}
