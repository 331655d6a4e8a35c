/**
 * Reads a mapping file (YAML or JSON) and checks it: the schema first (src/mappings/mapping-schema.ts),
 * then the rules that need the whole mapping (a `{n}` only in groups mode, a packed field that splits,
 * date formats that read a full date, a status value with one meaning). Every problem is reported at
 * once, with the file and the path: `yardi.yaml > fields > unit: required`.
 */
import path from 'node:path';
import { DateTime } from 'luxon';
import { describeIssues, documentErrorMap, readDocumentFile } from '../core/document-file.js';
import { issuePathText } from '../core/issue-path.js';
import { MappingError } from './mapping-error.js';
import { fieldOptions, type FieldOptions } from './mapping-columns.js';
import { CANONICAL_FIELDS, mappingSchema, type CanonicalField, type Mapping } from './mapping-schema.js';

export async function loadMappingFile(file: string): Promise<Mapping> {
  const raw = await readDocumentFile(file, (problems, cause) => new MappingError(file, problems, { cause }));
  return parseMapping(raw, file);
}

export function parseMapping(raw: unknown, fileLabel: string): Mapping {
  const label = path.basename(fileLabel);
  const parsed = mappingSchema.safeParse(raw, { error: documentErrorMap });
  if (!parsed.success) throw new MappingError(fileLabel, describeIssues(parsed.error.issues, label));
  const problems = mappingProblems(parsed.data);
  if (problems.length > 0) {
    throw new MappingError(
      fileLabel,
      problems.map((p) => `${label} > ${issuePathText(p.path)}: ${p.message}`),
    );
  }
  return parsed.data;
}

interface Problem {
  path: PropertyKey[];
  message: string;
}

/** The field specs of a mapping, in the canonical order, in their object form. */
function specsOf(mapping: Mapping): { field: CanonicalField; spec: FieldOptions }[] {
  const out: { field: CanonicalField; spec: FieldOptions }[] = [];
  for (const field of CANONICAL_FIELDS) {
    const spec = mapping.fields[field];
    if (spec !== undefined) out.push({ field, spec: fieldOptions(spec) });
  }
  return out;
}

function namesOf(spec: FieldOptions): string[] {
  return spec.template !== undefined ? [spec.template] : (spec.columns ?? []);
}

/** Rules that span several parts of a mapping, checked once the schema accepted it. */
function mappingProblems(m: Mapping): Problem[] {
  const problems: Problem[] = [];
  const specs = specsOf(m);
  const groups = m.people.mode === 'groups';
  let perGroup = 0;
  for (const { field, spec } of specs) {
    const names = namesOf(spec);
    if (names.some((n) => n.includes('{n}'))) {
      perGroup++;
      if (!groups) {
        problems.push({
          path: ['fields', field],
          message: '`{n}` in a column name needs `people: { mode: groups, count: … }`',
        });
      }
    }
    if (spec.template !== undefined) {
      const template = spec.template.replaceAll('{n}', '1');
      const columns = template.match(/\{[^{}]+\}/g) ?? [];
      const rest = template.replace(/\{[^{}]+\}/g, '');
      if (columns.length === 0 || /[{}]/.test(rest)) {
        problems.push({
          path: ['fields', field, 'template'],
          message: 'write column names in braces, e.g. "{First Name} {Last Name}"',
        });
      }
    }
    if (spec.preferLabels !== undefined && spec.split === undefined) {
      problems.push({
        path: ['fields', field, 'prefer_labels'],
        message: 'needs `split`: the separator between the labelled items, e.g. ","',
      });
    }
  }
  if (groups && perGroup === 0) {
    problems.push({
      path: ['people', 'mode'],
      message: 'groups needs `{n}` in the columns of each person, e.g. "Resident {n} Email"',
    });
  }
  if (m.people.mode === 'packed') {
    const by = m.people.split_by;
    const spec = specs.find((s) => s.field === by)?.spec;
    if (spec?.split === undefined) {
      problems.push({
        path: ['people', 'split_by'],
        message: `\`fields.${by}\` must have \`split\` (the separator regex, e.g. "[;,]") to yield one person per item`,
      });
    }
  }
  m.date_formats.forEach((format, n) => {
    if (!readsFullDate(format)) {
      problems.push({
        path: ['date_formats', n],
        message: `"${format}" does not read a full date (year, month and day in Luxon tokens, e.g. "MM/dd/yyyy")`,
      });
    }
  });
  const meanings = ['current', 'notice', 'future', 'past', 'eviction', 'inactive'] as const;
  const seen = new Map<string, string>();
  for (const meaning of meanings) {
    m.status[meaning].forEach((value, n) => {
      const key = value.trim().toLowerCase();
      const earlier = seen.get(key);
      if (earlier !== undefined && earlier !== meaning) {
        problems.push({
          path: ['status', meaning, n],
          message: `"${value}" is also listed under ${earlier}`,
        });
      }
      seen.set(key, meaning);
    });
  }
  return problems;
}

/** A format reads a full date when a date written with it reads back as the same date. */
function readsFullDate(format: string): boolean {
  const probe = DateTime.fromISO('2031-12-28', { zone: 'UTC' });
  const back = DateTime.fromFormat(probe.toFormat(format), format, { zone: 'UTC' });
  return back.isValid && back.toISODate() === '2031-12-28';
}
