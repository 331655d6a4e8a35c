/**
 * `pms-sync mappings validate FILE` and `pms-sync mappings check --mapping M --csv FILE`: check a
 * mapping, and how an export fits it, before any sync runs.
 */
import type { Command } from 'commander';
import { loadMappingFile } from '../../mappings/load-mapping.js';
import { createRowMapper, inspectHeader } from '../../mappings/map-rows.js';
import { openCsvSource } from '../../sources/csv-source.js';
import { SourceReadError } from '../../sources/source-row.js';
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

  group
    .command('check')
    .description('read an export with a mapping: header fit, unmapped columns, the first records, row errors')
    .requiredOption('--mapping <file>', 'mapping file')
    .requiredOption('--csv <file>', 'the PMS export')
    .option('--rows <n>', 'records to show', integerOption(0, 1000), 5)
    .option('--json', 'print JSON')
    .action(async (flags: { mapping: string; csv: string; rows: number; json?: boolean }) => {
      const mapping = await loadMappingFile(flags.mapping);
      const source = await openCsvSource(flags.csv, {
        delimiter: mapping.csv.delimiter,
        encoding: mapping.csv.encoding,
        header: mapping.csv.header,
      });
      const report = inspectHeader(mapping, source.header);
      const result = {
        mapping: mapping.name,
        file: flags.csv,
        encoding: source.encoding,
        delimiter: source.delimiter,
        header: { line: source.header.line, columns: source.header.columns },
        fields: report.fields,
        unmapped: report.unmapped,
        problems: report.problems,
        records: [] as unknown[],
        rejected: [] as { line: number; errors: string[] }[],
        counts: { rows: 0, skipped: 0, records: 0, rejected: 0 },
        readProblem: undefined as string | undefined,
      };
      if (report.problems.length === 0) {
        const mapper = createRowMapper(mapping, source.header, { file: flags.csv });
        try {
          for await (const row of source.rows) {
            const mapped = mapper.mapRow(row);
            if (mapped.skipped) {
              result.counts.skipped++;
              continue;
            }
            result.counts.rows++;
            result.counts.records += mapped.records.length;
            result.counts.rejected += mapped.rejected.length;
            for (const r of mapped.records) if (result.records.length < flags.rows) result.records.push(r);
            for (const r of mapped.rejected) result.rejected.push({ line: r.line, errors: r.errors });
          }
        } catch (err) {
          if (!(err instanceof SourceReadError)) throw err;
          result.readProblem = err.message;
        }
      }
      if (flags.json) out(JSON.stringify(result, null, 2));
      else printCheck(result);
      process.exitCode = report.problems.length > 0 || result.readProblem ? EXIT.usage : EXIT.ok;
    });
}

function printCheck(r: {
  mapping: string;
  file: string;
  encoding: string;
  delimiter: string;
  header: { line: number; columns: string[] };
  fields: { field: string; group?: number; columns: string[]; lookedFor: string[] }[];
  unmapped: string[];
  problems: string[];
  records: unknown[];
  rejected: { line: number; errors: string[] }[];
  counts: { rows: number; skipped: number; records: number; rejected: number };
  readProblem?: string | undefined;
}): void {
  out(
    `${r.file} with mapping "${r.mapping}": ${r.encoding}, delimiter ${JSON.stringify(r.delimiter)}, header on line ${r.header.line}`,
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
  if (r.readProblem) out(`The file could not be read to the end: ${r.readProblem}`);
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
