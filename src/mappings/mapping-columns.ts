/**
 * Resolves a mapping against a source header once, before any row: which column index each field
 * (and each repeated group, and each skip rule) reads, which columns are missing, and which header
 * columns nothing reads. Rows are then mapped by index only.
 */
import type { SourceHeader } from '../sources/source-row.js';
import type { MissingColumn } from './header-mismatch-error.js';
import { CANONICAL_FIELDS, type CanonicalField, type FieldSpec, type Mapping } from './mapping-schema.js';

/** A header column: its index in the row's cells and its name as the header writes it. */
export interface ColumnRef {
  index: number;
  name: string;
}

export type FieldSource =
  | { kind: 'column'; ref: ColumnRef }
  /** Literal text and columns, in order. */
  | { kind: 'template'; parts: (string | ColumnRef)[]; refs: ColumnRef[] };

/** The object form of a field spec, whatever form the mapping used. */
export interface FieldOptions {
  columns: string[] | undefined;
  template: string | undefined;
  format: 'as_is' | 'last_first';
  split: string | undefined;
  preferLabels: string[] | undefined;
  default: string | undefined;
}

export interface ResolvedField {
  field: CanonicalField;
  options: FieldOptions;
  source: FieldSource;
  /** The repeated group (1..count) this field reads, 0 when it is not per group. */
  group: number;
  /** The column(s) as the header writes them, for messages: `Tenant Email`, `First Name + Last Name`. */
  label: string;
}

export type ResolvedSkipRule =
  { kind: 'matches'; index: number; re: RegExp } | { kind: 'empty'; indexes: number[] };

/** What a header gives each field of a mapping: printed by `pms-sync mappings check`. */
export interface HeaderReport {
  mapping: string;
  /** The header's columns as written. */
  columns: string[];
  /** Per field (and group, in groups mode): the names looked for and the header columns read. */
  fields: { field: CanonicalField; group?: number; lookedFor: string[]; columns: string[] }[];
  /** In groups mode: the groups the header has, and those of 1..count it does not have at all. */
  groups?: { read: number[]; absent: number[] };
  /** Header columns no field or skip rule reads. */
  unmapped: string[];
  missing: MissingColumn[];
  /** Everything that makes the header unusable with this mapping (empty when it fits). */
  problems: string[];
}

export interface ResolvedColumns {
  /** Fields read once per row. */
  shared: ResolvedField[];
  /** Groups mode: the fields of each group the header has. */
  groups: { n: number; fields: ResolvedField[] }[];
  skipRules: ResolvedSkipRule[];
  report: HeaderReport;
}

export function fieldOptions(spec: FieldSpec): FieldOptions {
  if (typeof spec === 'string' || Array.isArray(spec)) {
    const columns = typeof spec === 'string' ? [spec] : spec;
    return {
      columns,
      template: undefined,
      format: 'as_is',
      split: undefined,
      preferLabels: undefined,
      default: undefined,
    };
  }
  return {
    columns:
      spec.column === undefined ? undefined : typeof spec.column === 'string' ? [spec.column] : spec.column,
    template: spec.template,
    format: spec.format,
    split: spec.split,
    preferLabels: spec.prefer_labels,
    default: spec.default,
  };
}

function mentionsGroup(options: FieldOptions): boolean {
  return options.template !== undefined
    ? options.template.includes('{n}')
    : (options.columns ?? []).some((c) => c.includes('{n}'));
}

function withGroup(options: FieldOptions, n: number): FieldOptions {
  const put = (text: string) => text.replaceAll('{n}', String(n));
  return {
    ...options,
    columns: options.columns?.map(put),
    template: options.template === undefined ? undefined : put(options.template),
  };
}

/** Header names match trimmed, case-insensitively, blanks collapsed. */
function headerKey(name: string): string {
  return name
    .replace(/^\uFEFF/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

class HeaderIndex {
  private readonly byKey = new Map<string, ColumnRef>();
  readonly used = new Set<number>();

  constructor(readonly columns: readonly string[]) {
    columns.forEach((name, index) => {
      const key = headerKey(name);
      if (key !== '' && !this.byKey.has(key)) this.byKey.set(key, { index, name: name.trim() });
    });
  }

  find(name: string): ColumnRef | undefined {
    return this.byKey.get(headerKey(name));
  }

  has(name: string): boolean {
    return this.byKey.has(headerKey(name));
  }
}

const TEMPLATE_PART = /\{([^{}]+)\}/g;

interface Resolution {
  source: FieldSource | undefined;
  lookedFor: string[];
  /** For a template, the referenced columns the header lacks. */
  missing: string[];
}

function resolveSource(options: FieldOptions, header: HeaderIndex): Resolution {
  if (options.template !== undefined) {
    const parts: (string | ColumnRef)[] = [];
    const refs: ColumnRef[] = [];
    const lookedFor: string[] = [];
    const missing: string[] = [];
    let last = 0;
    for (const m of options.template.matchAll(TEMPLATE_PART)) {
      const name = m[1] ?? '';
      lookedFor.push(name);
      if (m.index > last) parts.push(options.template.slice(last, m.index));
      last = m.index + m[0].length;
      const ref = header.find(name);
      if (ref === undefined) missing.push(name);
      else {
        parts.push(ref);
        refs.push(ref);
      }
    }
    if (last < options.template.length) parts.push(options.template.slice(last));
    return {
      source: missing.length === 0 ? { kind: 'template', parts, refs } : undefined,
      lookedFor,
      missing,
    };
  }
  const lookedFor = options.columns ?? [];
  for (const name of lookedFor) {
    const ref = header.find(name);
    if (ref !== undefined) return { source: { kind: 'column', ref }, lookedFor, missing: [] };
  }
  return { source: undefined, lookedFor, missing: lookedFor };
}

function sourceRefs(source: FieldSource): ColumnRef[] {
  return source.kind === 'column' ? [source.ref] : source.refs;
}

function sourceLabel(source: FieldSource): string {
  return sourceRefs(source)
    .map((r) => r.name)
    .join(' + ');
}

function quoteList(names: readonly string[]): string {
  return names.map((c) => `"${c}"`).join(' or ');
}

/** A regex matching header names of a `{n}` column for any n, capturing n. */
function groupPattern(name: string): RegExp {
  const [before = '', after = ''] = headerKey(name).split('{n}');
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${esc(before)}(\\d+)${esc(after)}$`);
}

export function resolveColumns(mapping: Mapping, headerIn: SourceHeader): ResolvedColumns {
  const header = new HeaderIndex(headerIn.columns);
  const report: HeaderReport = {
    mapping: mapping.name,
    columns: [...headerIn.columns],
    fields: [],
    unmapped: [],
    missing: [],
    problems: [],
  };
  const shared: ResolvedField[] = [];
  const groups: { n: number; fields: ResolvedField[] }[] = [];
  const perGroup: { field: CanonicalField; options: FieldOptions }[] = [];

  const addMissing = (field: string, lookedFor: string[]) => {
    report.missing.push({ field, lookedFor });
    report.problems.push(`${field}: no column ${quoteList(lookedFor)} in the header`);
  };
  const accept = (field: CanonicalField, options: FieldOptions, group: number): ResolvedField | undefined => {
    const r = resolveSource(options, header);
    const entry = {
      field,
      lookedFor: r.lookedFor,
      columns: r.source ? sourceRefs(r.source).map((c) => c.name) : [],
    };
    report.fields.push(group === 0 ? entry : { ...entry, group });
    if (r.source === undefined) {
      addMissing(group === 0 ? field : `${field} (group ${group})`, r.missing);
      return undefined;
    }
    for (const ref of sourceRefs(r.source)) header.used.add(ref.index);
    return { field, options, source: r.source, group, label: sourceLabel(r.source) };
  };

  for (const field of CANONICAL_FIELDS) {
    const spec = mapping.fields[field];
    if (spec === undefined) continue;
    const options = fieldOptions(spec);
    if (mapping.people.mode === 'groups' && mentionsGroup(options)) perGroup.push({ field, options });
    else {
      const resolved = accept(field, options, 0);
      if (resolved) shared.push(resolved);
    }
  }

  if (mapping.people.mode === 'groups') {
    const count = mapping.people.count;
    const read: number[] = [];
    const absent: number[] = [];
    for (let n = 1; n <= count; n++) {
      const options = perGroup.map((p) => withGroup(p.options, n));
      // A group none of whose columns exist is not in this export at all (count is the most read).
      const present = options.some((o) =>
        o.template !== undefined
          ? [...o.template.matchAll(TEMPLATE_PART)].some((m) => header.has(m[1] ?? ''))
          : (o.columns ?? []).some((c) => header.has(c)),
      );
      if (!present && n > 1) {
        absent.push(n);
        continue;
      }
      read.push(n);
      const fields: ResolvedField[] = [];
      perGroup.forEach((p, i) => {
        const resolved = accept(p.field, options[i] ?? p.options, n);
        if (resolved) fields.push(resolved);
      });
      groups.push({ n, fields });
    }
    report.groups = { read, absent };
    // Residents in groups past `count` would be silently dropped: refuse the header instead.
    for (const p of perGroup) {
      for (const name of p.options.template !== undefined
        ? [...p.options.template.matchAll(/\{((?:[^{}]|\{n\})+)\}/g)].map((m) => m[1] ?? '')
        : (p.options.columns ?? [])) {
        if (!name.includes('{n}')) continue;
        const re = groupPattern(name);
        for (const column of headerIn.columns) {
          const n = Number(re.exec(headerKey(column))?.[1] ?? 0);
          if (n > count) {
            report.problems.push(
              `${p.field}: the header has "${column.trim()}" but people.count is ${count}; raise count to read every resident`,
            );
          }
        }
      }
    }
  }

  const skipRules: ResolvedSkipRule[] = [];
  mapping.skip_rows.forEach((rule, n) => {
    const label = `skip_rows[${n}]`;
    if ('matches' in rule) {
      const ref = rule.column === undefined ? undefined : header.find(rule.column);
      if (rule.column !== undefined && ref === undefined) addMissing(label, [rule.column]);
      else {
        if (ref) header.used.add(ref.index);
        skipRules.push({ kind: 'matches', index: ref?.index ?? 0, re: new RegExp(rule.matches, 'iu') });
      }
    } else {
      const indexes: number[] = [];
      for (const column of rule.empty) {
        const ref = header.find(column);
        if (ref === undefined) addMissing(label, [column]);
        else {
          header.used.add(ref.index);
          indexes.push(ref.index);
        }
      }
      skipRules.push({ kind: 'empty', indexes });
    }
  });

  report.unmapped = headerIn.columns.filter((name, i) => !header.used.has(i) && name.trim() !== '');
  return { shared, groups, skipRules, report };
}
