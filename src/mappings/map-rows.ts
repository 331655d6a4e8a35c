/**
 * The mapping engine: turns the rows of a source (header + cells) into canonical resident records,
 * following a mapping file. Everything that depends only on the mapping and the header (column
 * indexes, regexes, date formats, the status vocabulary, building rules) is prepared once by
 * `createRowMapper`; `mapRow` then works by index.
 *
 * People per row (`people.mode`):
 * - row: one person per row.
 * - packed: the `split_by` field yields one person per item; other fields with `split` (and no
 *   `prefer_labels`) give item i to person i; a field with `prefer_labels` gives its preferred
 *   item to the row. Fields without `split` are the row's.
 * - groups: fields whose columns hold `{n}` are read for each group 1..count the header has; a
 *   group whose `{n}` columns are all empty is skipped. Fields without `{n}` are the row's.
 * A value that identifies a person (person id, OpenApp user id, email, phone) and a name that are
 * the row's, not the person's, go to the row's first person only, so two people never share a
 * key (src/core/record-key.ts). A person with no name of their own is named by their email (or phone).
 *
 * Outcomes: a row that is not data (blank, a skip rule, a property the feed ignores) is `skipped`;
 * a person whose data is unusable is a RejectedRow whose reasons name the column and what to do,
 * and carry what identifies them so that the planner never removes them. Email addresses and
 * phone numbers are personal data: reasons never repeat them.
 */
import type { RejectedRow, ResidentRecord, ResidentStatus } from '../core/resident-record.js';
import type { SourceHeader, SourceRow } from '../sources/source-row.js';
import { StringPool } from './string-pool.js';
import {
  lastFirstName,
  normaliseEmail,
  normalisePhone,
  pickLabelled,
  splitItems,
  squeeze,
} from './cell-values.js';
import { compileBuildingRules, type BuildingResolver } from './building-rules.js';
import { DateReader } from './date-reader.js';
import { HeaderMismatchError } from './header-mismatch-error.js';
import type { CanonicalField, Mapping } from './mapping-schema.js';
import {
  resolveColumns,
  type FieldSource,
  type HeaderReport,
  type ResolvedField,
  type ResolvedSkipRule,
} from './mapping-columns.js';

export type { HeaderReport } from './mapping-columns.js';

export interface RowMapperOptions {
  /** Names the source in errors (a file path or a label). */
  file?: string;
}

export interface MappedRow {
  readonly records: readonly ResidentRecord[];
  readonly rejected: readonly RejectedRow[];
  /** Not data (blank, a skip rule, no person in it, a property the feed ignores): counted, not an error. */
  skipped: boolean;
}

export interface RowMapper {
  readonly mapping: Mapping;
  mapRow(row: SourceRow): MappedRow;
  /**
   * As `mapRow`, appending to the caller's lists (no lists of its own per row: a large export has
   * hundreds of thousands). Returns false for a skipped row.
   */
  mapRowInto(row: SourceRow, records: ResidentRecord[], rejected: RejectedRow[]): boolean;
  /** The columns each field reads and the header columns nothing reads. */
  headerReport(): HeaderReport;
}

/** How the header fits the mapping, without throwing: `problems` lists what `createRowMapper` would refuse. */
export function inspectHeader(mapping: Mapping, header: SourceHeader): HeaderReport {
  return resolveColumns(mapping, header).report;
}

/**
 * Prepares the mapping for this header. Throws a HeaderMismatchError (fatal for the whole source)
 * when a column the mapping reads is missing or the header has more groups than it reads.
 */
export function createRowMapper(
  mapping: Mapping,
  header: SourceHeader,
  options: RowMapperOptions = {},
): RowMapper {
  const resolved = resolveColumns(mapping, header);
  const { report } = resolved;
  if (report.problems.length > 0) {
    throw new HeaderMismatchError(
      options.file ?? 'the source',
      mapping.name,
      report.problems,
      report.missing,
      header.columns,
    );
  }
  return new CompiledRowMapper(mapping, resolved.shared, resolved.groups, resolved.skipRules, report);
}

/** A field prepared for the hot path. */
interface FieldReader {
  field: CanonicalField;
  source: FieldSource;
  label: string;
  lastFirst: boolean;
  split: RegExp | undefined;
  /** Lower-cased. */
  preferLabels: string[] | undefined;
  /** Packed mode: item i of the cell goes to person i. */
  perItem: boolean;
  fallback: string | undefined;
}

/** A person's values while a row is read. */
interface Draft {
  personId: string | undefined;
  leaseId: string | undefined;
  property: string | undefined;
  unit: string | undefined;
  name: string | undefined;
  firstName: string | undefined;
  lastName: string | undefined;
  email: string | undefined;
  phone: string | undefined;
  status: ResidentStatus | undefined;
  rawStatus: string | undefined;
  moveIn: string | undefined;
  moveOut: string | undefined;
  leaseStart: string | undefined;
  leaseEnd: string | undefined;
  openappUserId: string | undefined;
  integrationId: string | undefined;
  /** The email cell held something that is not an address (already a reason). */
  emailInvalid: boolean;
  /** A person after the first, with no name of their own: named by their email or phone. */
  namedByItem: boolean;
  /** Reasons against the person (undefined while there are none). */
  errors: string[] | undefined;
  /** Reasons from an identifying value of the row (go with that value to the first person only). */
  identityErrors: string[] | undefined;
}

/** Empties a draft (or fills a new one) for the next row: one draft per mapper, whose values end up in its records. */
function clearDraft(d: Draft): Draft {
  d.personId = undefined;
  d.leaseId = undefined;
  d.property = undefined;
  d.unit = undefined;
  d.name = undefined;
  d.firstName = undefined;
  d.lastName = undefined;
  d.email = undefined;
  d.phone = undefined;
  d.status = undefined;
  d.rawStatus = undefined;
  d.moveIn = undefined;
  d.moveOut = undefined;
  d.leaseStart = undefined;
  d.leaseEnd = undefined;
  d.openappUserId = undefined;
  d.integrationId = undefined;
  d.emailInvalid = false;
  d.namedByItem = false;
  d.errors = undefined;
  d.identityErrors = undefined;
  return d;
}

const IDENTITY_FIELDS: ReadonlySet<CanonicalField> = new Set([
  'person_id',
  'openapp_user_id',
  'email',
  'phone',
]);
const NAME_FIELDS: ReadonlySet<CanonicalField> = new Set(['name', 'first_name', 'last_name']);

/** One shared result for every skipped row: nothing to allocate on report lines and blank rows. */
const SKIPPED: MappedRow = Object.freeze({
  records: Object.freeze([]),
  rejected: Object.freeze([]),
  skipped: true,
});

/** Distinct status cells remembered at most (an export has a handful; a broken one, any number). */
const STATUS_CACHE_LIMIT = 1_000;

const EXCEL_SERIAL = /^\d{5}(?:\.\d+)?$/;
const TWO_DIGIT_YEAR = /^\d{1,2}[/.-]\d{1,2}[/.-]\d{2}$/;

function cellText(cells: readonly string[], index: number): string {
  const cell = cells[index];
  return cell === undefined ? '' : cell.trim();
}

function sourceText(source: FieldSource, cells: readonly string[]): string {
  if (source.kind === 'column') return cellText(cells, source.ref.index);
  let out = '';
  let any = false;
  for (const part of source.parts) {
    if (typeof part === 'string') out += part;
    else {
      const value = cellText(cells, part.index);
      if (value !== '') any = true;
      out += value;
    }
  }
  return any ? squeeze(out) : '';
}

class CompiledRowMapper implements RowMapper {
  private readonly shared: FieldReader[];
  private readonly perPerson: FieldReader[];
  private readonly groups: { n: number; fields: FieldReader[]; labels: Labels }[];
  /** Packed mode: the per-person field whose items are the people (-1 otherwise). */
  private readonly splitByIndex: number;
  private readonly statusByValue = new Map<string, ResidentStatus>();
  /** The row's values while it is read; people after the first are copies (see personOf). */
  private readonly rowDraft = clearDraft({} as Draft);
  /** Status cells seen so far (trimmed, as written) -> their meaning. */
  private readonly statusCells = new Map<string, { raw: string; status: ResidentStatus }>();
  private readonly assumed: ResidentStatus | undefined;
  private readonly hasStatusField: boolean;
  private readonly buildingOf: BuildingResolver;
  private readonly ignoreUnmatched: boolean;
  private readonly dates: DateReader;
  private readonly dateFormats: string;
  /** Property names, one string each for all their rows. */
  private readonly properties = new StringPool();
  /** The column(s) each field reads, for reasons. */
  private readonly labels: Labels;

  constructor(
    readonly mapping: Mapping,
    shared: ResolvedField[],
    groups: { n: number; fields: ResolvedField[] }[],
    private readonly skipRules: ResolvedSkipRule[],
    private readonly report: HeaderReport,
  ) {
    const people = mapping.people;
    const splitField = people.mode === 'packed' ? people.split_by : undefined;
    const toReader = (r: ResolvedField): FieldReader => ({
      field: r.field,
      source: r.source,
      label: r.label,
      lastFirst: r.options.format === 'last_first',
      split: r.options.split === undefined ? undefined : new RegExp(r.options.split, 'iu'),
      preferLabels: r.options.preferLabels?.map((l) => l.trim().toLowerCase()),
      perItem:
        splitField !== undefined && r.options.split !== undefined && r.options.preferLabels === undefined,
      fallback: r.options.default,
    });
    const readers = shared.map(toReader);
    this.shared = readers.filter((r) => !r.perItem);
    this.perPerson = readers.filter((r) => r.perItem);
    this.splitByIndex = this.perPerson.findIndex((r) => r.field === splitField);
    this.labels = labelsOf(readers, {});
    this.groups = groups.map((g) => {
      const fields = g.fields.map(toReader);
      return { n: g.n, fields, labels: labelsOf(fields, this.labels) };
    });

    const status = mapping.status;
    const eviction: ResidentStatus =
      status.eviction_policy === 'keep_access'
        ? 'current'
        : status.eviction_policy === 'remove_access'
          ? 'past'
          : 'review';
    const meanings = ['current', 'notice', 'future', 'past', 'inactive'] as const;
    for (const meaning of meanings) {
      for (const value of status[meaning]) this.statusByValue.set(value.trim().toLowerCase(), meaning);
    }
    for (const value of status.eviction) this.statusByValue.set(value.trim().toLowerCase(), eviction);
    this.hasStatusField = mapping.fields.status !== undefined;
    this.assumed = status.assume;

    this.buildingOf = compileBuildingRules(mapping);
    this.ignoreUnmatched = mapping.buildings.unmatched === 'ignore';
    this.dates = new DateReader(mapping.date_formats, mapping.access.time_zone);
    this.dateFormats = mapping.date_formats.join(', ');
  }

  headerReport(): HeaderReport {
    return this.report;
  }

  mapRow(row: SourceRow): MappedRow {
    const records: ResidentRecord[] = [];
    const rejected: RejectedRow[] = [];
    return this.mapRowInto(row, records, rejected) ? { records, rejected, skipped: false } : SKIPPED;
  }

  mapRowInto(row: SourceRow, records: ResidentRecord[], rejected: RejectedRow[]): boolean {
    const cells = row.cells;
    if (this.isSkipped(cells)) return false;
    const before = records.length + rejected.length;

    const shared = clearDraft(this.rowDraft);
    for (const r of this.shared) this.apply(shared, r, this.singleValue(r, cells), r.label);

    const mode = this.mapping.people.mode;
    if (mode === 'row') {
      this.finish(shared, row.line, this.labels, records, rejected);
    } else if (mode === 'packed') {
      const lists = this.perPerson.map((r) => this.items(r, cells));
      const count = Math.max(1, lists[this.splitByIndex]?.length ?? 0);
      for (let p = 0; p < count; p++) {
        const person = this.personOf(shared, p);
        this.perPerson.forEach((r, i) => {
          const list = lists[i] ?? [];
          const item = list[p];
          const label = list.length > 1 ? `${r.label} (item ${p + 1})` : r.label;
          if (item !== undefined) this.apply(person, r, item, label);
        });
        this.finish(this.named(person, p), row.line, this.labels, records, rejected);
      }
    } else {
      let p = 0;
      for (const group of this.groups) {
        const texts = group.fields.map((r) => sourceText(r.source, cells));
        if (texts.every((t) => t === '')) continue;
        const person = this.personOf(shared, p);
        group.fields.forEach((r, i) => this.apply(person, r, this.pick(r, texts[i] ?? ''), r.label));
        this.finish(this.named(person, p), row.line, group.labels, records, rejected);
        p++;
      }
    }
    return records.length + rejected.length > before;
  }

  private isSkipped(cells: readonly string[]): boolean {
    let blank = true;
    for (const cell of cells) {
      if (cell.trim() !== '') {
        blank = false;
        break;
      }
    }
    if (blank) return true;
    for (const rule of this.skipRules) {
      if (rule.kind === 'matches') {
        if (rule.re.test(cellText(cells, rule.index))) return true;
      } else if (rule.indexes.every((i) => cellText(cells, i) === '')) return true;
    }
    return false;
  }

  /** The row's value of a field: the cell (or default), and for a list the first or preferred item. */
  private singleValue(r: FieldReader, cells: readonly string[]): string {
    return this.pick(r, sourceText(r.source, cells));
  }

  private pick(r: FieldReader, text: string): string {
    const value = text === '' && r.fallback !== undefined ? r.fallback : text;
    if (r.split === undefined || value === '') return value;
    const items = splitItems(value, r.split);
    return r.preferLabels ? pickLabelled(items, r.preferLabels) : (items[0] ?? '');
  }

  /** The items of a per-person list; for the field that yields the people, without repeats. */
  private items(r: FieldReader, cells: readonly string[]): string[] {
    let text = sourceText(r.source, cells);
    if (text === '' && r.fallback !== undefined) text = r.fallback;
    const items = r.split ? splitItems(text, r.split) : [text];
    if (r !== this.perPerson[this.splitByIndex] || items.length < 2) return items;
    const seen = new Set<string>();
    return items.filter((item) => {
      const key = item.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  /** Person `p` of a row: the row's values; identifying ones and the name only for the first person. */
  private personOf(shared: Draft, p: number): Draft {
    const person: Draft = { ...shared, errors: shared.errors && [...shared.errors] };
    if (p > 0) {
      person.personId = undefined;
      person.openappUserId = undefined;
      person.email = undefined;
      person.emailInvalid = false;
      person.phone = undefined;
      person.name = undefined;
      person.firstName = undefined;
      person.lastName = undefined;
      person.identityErrors = undefined;
    } else if (shared.identityErrors) {
      person.identityErrors = [...shared.identityErrors];
    }
    return person;
  }

  /** A person after the first with no name of their own is named by their email or phone. */
  private named(person: Draft, p: number): Draft {
    if (
      p > 0 &&
      person.name === undefined &&
      person.firstName === undefined &&
      person.lastName === undefined
    ) {
      person.name = person.email ?? person.phone;
      person.namedByItem = true;
    }
    return person;
  }

  private addError(d: Draft, field: CanonicalField, message: string): void {
    if (IDENTITY_FIELDS.has(field) || NAME_FIELDS.has(field)) (d.identityErrors ??= []).push(message);
    else (d.errors ??= []).push(message);
  }

  private apply(d: Draft, r: FieldReader, text: string, label: string): void {
    const value = text === '' ? undefined : text;
    switch (r.field) {
      case 'person_id':
        d.personId = value;
        return;
      case 'lease_id':
        d.leaseId = value;
        return;
      case 'property':
        d.property = value === undefined ? undefined : this.properties.of(value, value);
        return;
      case 'unit':
        d.unit = value;
        return;
      case 'openapp_user_id':
        d.openappUserId = value;
        return;
      case 'integration_id':
        d.integrationId = value;
        return;
      case 'name':
        d.name =
          value === undefined
            ? undefined
            : (r.lastFirst ? lastFirstName(value) : squeeze(value)) || undefined;
        return;
      case 'first_name':
        d.firstName = value === undefined ? undefined : squeeze(value);
        return;
      case 'last_name':
        d.lastName = value === undefined ? undefined : squeeze(value);
        return;
      case 'email':
        d.email = value === undefined ? undefined : normaliseEmail(value);
        d.emailInvalid = value !== undefined && d.email === undefined;
        if (d.emailInvalid) {
          this.addError(d, r.field, `column ${label}: not an email address; correct it in the PMS`);
        }
        return;
      case 'phone':
        d.phone = value === undefined ? undefined : normalisePhone(value);
        return;
      case 'status': {
        // An export repeats a handful of status words: each is looked up once, and every record
        // with it shares one string.
        let known = this.statusCells.get(text);
        if (known === undefined) {
          known = { raw: text, status: this.statusByValue.get(text.toLowerCase()) ?? 'review' };
          if (this.statusCells.size >= STATUS_CACHE_LIMIT) this.statusCells.clear();
          this.statusCells.set(text, known);
        }
        d.rawStatus = known.raw;
        d.status = known.status;
        return;
      }
      case 'move_in':
        d.moveIn = this.date(d, r, value, label);
        return;
      case 'move_out':
        d.moveOut = this.date(d, r, value, label);
        return;
      case 'lease_start':
        d.leaseStart = this.date(d, r, value, label);
        return;
      case 'lease_end':
        d.leaseEnd = this.date(d, r, value, label);
        return;
    }
  }

  private date(d: Draft, r: FieldReader, value: string | undefined, label: string): string | undefined {
    if (value === undefined) return undefined;
    const quick = this.dates.quickRead(value);
    if (quick !== undefined) return quick;
    const reading = this.dates.read(value);
    if (reading.ok) return reading.date;
    let reason: string;
    if (EXCEL_SERIAL.test(value)) {
      reason = `"${value}" looks like an Excel serial date; export dates as text (do not open and save the file in Excel)`;
    } else if (reading.calendar) {
      reason = `"${value}" is not a valid calendar date (formats tried: ${this.dateFormats}); correct it in the PMS`;
    } else if (TWO_DIGIT_YEAR.test(value)) {
      reason = `"${value}" has a two-digit year (Excel may have reformatted it); export dates with four-digit years`;
    } else {
      reason = `"${value}" is not a date in any of the formats ${this.dateFormats}; correct it in the PMS or add its format to date_formats`;
    }
    this.addError(d, r.field, `column ${label}: ${reason}`);
    return undefined;
  }

  private building(d: Draft): string | undefined {
    return d.integrationId ?? this.buildingOf(d.property, d.unit);
  }

  /** Checks a person and adds them to the records or to the rejected rows. */
  private finish(
    d: Draft,
    line: number,
    labels: Labels,
    records: ResidentRecord[],
    rejected: RejectedRow[],
  ): void {
    // Built only for a row with something wrong: most rows have nothing to report.
    let errors: string[] | undefined =
      d.identityErrors === undefined && d.errors === undefined
        ? undefined
        : [...(d.identityErrors ?? []), ...(d.errors ?? [])];
    const name = d.name ?? fullName(d.firstName, d.lastName);

    if (d.unit === undefined) {
      (errors ??= []).push(
        `column ${labels.unit ?? 'unit'} is empty; every resident needs a unit: fill it in the PMS, or add a skip_rows rule if such rows are not residents`,
      );
    }
    // Named by an email that is not one: the email's reason says what to fix.
    if (name === undefined && !(d.namedByItem && d.emailInvalid)) {
      const columns = [labels.name, labels.first_name, labels.last_name].filter((l) => l !== undefined);
      (errors ??= []).push(`no name (${describeColumns(columns)} empty); fill it in the PMS`);
    }
    if (d.email === undefined && d.phone === undefined && d.openappUserId === undefined && !d.emailInvalid) {
      const columns = [labels.email, labels.phone, labels.openapp_user_id].filter((l) => l !== undefined);
      (errors ??= []).push(
        `no email, phone or OpenApp user id (${describeColumns(columns)} empty); add an email in the PMS so the resident can be found or invited in OpenApp`,
      );
    }

    let integrationId: string | undefined;
    if (d.unit !== undefined) {
      integrationId = this.building(d);
      if (integrationId === undefined) {
        if (this.ignoreUnmatched) return;
        const where = `${d.property === undefined ? '' : `property "${d.property}", `}unit "${d.unit}"`;
        const column =
          labels.integration_id === undefined ? '' : `column ${labels.integration_id} is empty and `;
        (errors ??= []).push(
          `no building for ${where}: ${column}no buildings.table rule matches; add a rule, or set buildings.unmatched: ignore if this feed does not cover it`,
        );
      }
    }

    let status = d.status;
    let rawStatus = d.rawStatus ?? '';
    if (!this.hasStatusField) {
      status = this.assumed;
      rawStatus = '';
    }

    if (errors === undefined && d.unit !== undefined && name !== undefined && integrationId !== undefined) {
      // Every field, in one order, present or not: all records share one hidden class, so the
      // planner's reads of them stay monomorphic (optional fields added case by case made them
      // megamorphic and the planner several times slower on a large export).
      const record: ResidentRecord = {
        line,
        personId: d.personId,
        leaseId: d.leaseId,
        property: d.property,
        unit: d.unit,
        integrationId,
        name,
        email: d.email,
        phone: d.phone,
        status: status ?? 'review',
        rawStatus,
        moveIn: d.moveIn,
        moveOut: d.moveOut,
        leaseStart: d.leaseStart,
        leaseEnd: d.leaseEnd,
        openappUserId: d.openappUserId,
      };
      // Every part was validated as it was read; a schema pass per record would cost a fifth of
      // the mapping time on a large export (tests check records against residentRecordSchema).
      records.push(record);
      return;
    }

    const reject: RejectedRow = { line, errors: errors ?? [] };
    const identifies: NonNullable<RejectedRow['identifies']> = {};
    if (d.email !== undefined) identifies.email = d.email;
    if (d.personId !== undefined) identifies.personId = d.personId;
    if (d.openappUserId !== undefined) identifies.openappUserId = d.openappUserId;
    if (integrationId !== undefined) identifies.integrationId = integrationId;
    if (Object.keys(identifies).length > 0) reject.identifies = identifies;
    rejected.push(reject);
  }
}

function fullName(first: string | undefined, last: string | undefined): string | undefined {
  if (first === undefined) return last;
  return last === undefined ? first : [first, last].join(' '); // one flat string, not two pieces kept alive with it
}

type Labels = Partial<Record<CanonicalField, string>>;

function labelsOf(readers: readonly FieldReader[], base: Labels): Labels {
  const labels: Labels = { ...base };
  for (const r of readers) labels[r.field] = r.label;
  return labels;
}

function describeColumns(columns: readonly string[]): string {
  if (columns.length === 0) return 'no column';
  if (columns.length === 1) return `column ${columns[0] ?? ''} is`;
  return `columns ${columns.slice(0, -1).join(', ')} and ${columns.at(-1) ?? ''} are`;
}
