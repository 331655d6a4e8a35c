/**
 * The mapping format: a declarative description of how one PMS export becomes canonical resident
 * records (src/core/resident-record.ts). A new PMS needs a new mapping file in mappings/, not new
 * code. `npm run mappings:schema` writes the JSON Schema editors use for completion.
 */
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { databaseSectionSchema } from './database-section.js';

const nonEmpty = z.string().trim().min(1);

/** A regular expression written as a string; checked at load time so a typo is reported with its path. */
const regex = z.string().refine(
  (s) => {
    try {
      new RegExp(s, 'iu');
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);

/**
 * Where a canonical field's value comes from:
 * - `"Column"`: one column (header names match trimmed and case-insensitively);
 * - `["Tenant Email", "Email"]`: the first of these columns that the header has;
 * - `{ template: "{First Name} {Last Name}" }`: columns in braces, joined, blanks squeezed;
 * - the object form adds options (see fieldSpecObject).
 * With `people.mode: groups`, column names may hold `{n}` (e.g. "Resident {n} Email").
 */
export const fieldSpecObject = z
  .strictObject({
    column: z.union([nonEmpty, z.array(nonEmpty).min(1)]).optional(),
    template: nonEmpty.optional(),
    /** `last_first`: "Gomez, Ana (Minor)" -> "Ana Gomez"; notes in parentheses are dropped. */
    format: z.enum(['as_is', 'last_first']).default('as_is'),
    /**
     * The cell holds a list (regex separator, e.g. "[;,]"). With `people.mode: packed` the field
     * named in `people.split_by` yields one person per item and other split fields are matched
     * to them by position; otherwise the first item (or the preferred label) is taken.
     */
    split: regex.optional(),
    /** For labelled lists like "Home: (312) 555-0100, Mobile: (312) 555-0199": labels in order of preference. */
    prefer_labels: z.array(nonEmpty).optional(),
    /** Used when the cell is empty. */
    default: z.string().optional(),
  })
  .refine((f) => (f.column === undefined) !== (f.template === undefined), {
    message: 'give exactly one of `column` or `template`',
  });
export const fieldSpecSchema = z.union([nonEmpty, z.array(nonEmpty).min(1), fieldSpecObject]);
export type FieldSpec = z.output<typeof fieldSpecSchema>;

export const CANONICAL_FIELDS = [
  'person_id',
  'lease_id',
  'property',
  'unit',
  'name',
  'first_name',
  'last_name',
  'email',
  'phone',
  'status',
  'move_in',
  'move_out',
  'lease_start',
  'lease_end',
  'openapp_user_id',
  'integration_id',
] as const;
export type CanonicalField = (typeof CANONICAL_FIELDS)[number];

const fieldsSchema = z
  .strictObject(
    Object.fromEntries(CANONICAL_FIELDS.map((f) => [f, fieldSpecSchema.optional()])) as Record<
      CanonicalField,
      z.ZodOptional<typeof fieldSpecSchema>
    >,
  )
  .refine((f) => f.unit !== undefined, { message: 'required', path: ['unit'] })
  .refine((f) => f.name !== undefined || f.first_name !== undefined || f.last_name !== undefined, {
    message: 'required: `name`, or `first_name` / `last_name`',
    path: ['name'],
  })
  .refine((f) => f.email !== undefined || f.phone !== undefined || f.openapp_user_id !== undefined, {
    message: 'required: at least one of `email`, `phone` or `openapp_user_id` to find the person in OpenApp',
    path: ['email'],
  });

/** A rule for rows that are not data (banners, section headings, totals); matched rows are counted, not errors. */
export const skipRuleSchema = z.union([
  /** The cell of `column` (or the first cell when `column` is omitted) matches `matches`. */
  z.strictObject({ column: nonEmpty.optional(), matches: regex }),
  /** Every one of these columns is empty (e.g. a unit row with no resident). */
  z.strictObject({ empty: z.array(nonEmpty).min(1) }),
]);
export type SkipRule = z.output<typeof skipRuleSchema>;

const statusValues = z.array(nonEmpty).default([]);

export const statusVocabularySchema = z
  .strictObject({
    /** PMS values (trimmed, case-insensitive) for each meaning; any other value goes to review. */
    current: statusValues,
    notice: statusValues,
    future: statusValues,
    past: statusValues,
    eviction: statusValues,
    inactive: statusValues,
    /** What an eviction status means for access. Required when `eviction` lists values: never a silent default. */
    eviction_policy: z.enum(['keep_access', 'remove_access', 'review']).optional(),
    /** For exports with no status column (a current-residents list): the status every row has. */
    assume: z.enum(['current', 'notice', 'future', 'past']).optional(),
  })
  .refine((s) => s.eviction.length === 0 || s.eviction_policy !== undefined, {
    message: 'required when `eviction` lists values: keep_access, remove_access or review',
    path: ['eviction_policy'],
  });

export const buildingRuleSchema = z.strictObject({
  /** Matches the `property` field (trimmed, case-insensitive); omitted means any property. */
  property: nonEmpty.optional(),
  /** Regex on the `unit` field, e.g. "^01-" for building 1 of a property. */
  unit_pattern: regex.optional(),
  integration_id: nonEmpty,
});

export const mappingSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: nonEmpty,
    description: z.string().optional(),
    pms: z.enum(['yardi', 'appfolio', 'buildium', 'entrata', 'realpage', 'generic', 'other']),
    csv: z
      .strictObject({
        delimiter: z.enum(['auto', ',', ';', '\t', '|']).default('auto'),
        encoding: z.enum(['auto', 'utf-8', 'windows-1252']).default('auto'),
        /** The header line: a 1-based line number, or the first line whose cells include all of `contains`. */
        header: z
          .union([
            z.strictObject({ line: z.number().int().positive() }),
            z.strictObject({ contains: z.array(nonEmpty).min(1) }),
          ])
          .default({ line: 1 }),
      })
      .prefault({}),
    /** What to read when the feed's source is a PMS database: a query or a table (see database-section.ts). */
    database: databaseSectionSchema.optional(),
    skip_rows: z.array(skipRuleSchema).default([]),
    people: z
      .discriminatedUnion('mode', [
        z.strictObject({ mode: z.literal('row') }),
        /** One row per lease; `split_by` (a field with `split`) yields one person per item. */
        z.strictObject({ mode: z.literal('packed'), split_by: z.enum(['email', 'name', 'phone']) }),
        /** Repeated column groups: `{n}` in column names runs from 1 to `count`; an all-empty group is skipped. */
        z.strictObject({ mode: z.literal('groups'), count: z.number().int().min(1).max(20) }),
      ])
      .default({ mode: 'row' }),
    fields: fieldsSchema,
    /** Luxon formats tried in order, e.g. "MM/dd/yyyy", "M/d/yyyy", "yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm:ss". */
    date_formats: z.array(nonEmpty).min(1).default(['yyyy-MM-dd', "yyyy-MM-dd'T'HH:mm:ss", 'M/d/yyyy']),
    status: statusVocabularySchema,
    /** Property / unit -> OpenApp integration: a table, or the `integration_id` field (a column holding it). */
    buildings: z
      .strictObject({
        table: z.array(buildingRuleSchema).default([]),
        /** A row no rule places: `reject` (reported with its line) or `ignore` (a property this feed does not cover). */
        unmatched: z.enum(['reject', 'ignore']).default('reject'),
      })
      .prefault({}),
    access: z.strictObject({
      /** IANA zone of the property: PMS dates are calendar dates there. */
      time_zone: nonEmpty.refine((z) => IANAZone.isValidZone(z), { message: 'not an IANA time zone' }),
      move_in_lead_days: z.number().int().min(0).max(60).default(0),
      move_out_grace_days: z.number().int().min(0).max(60).default(0),
      role_template: nonEmpty.default('virtual_access:integration:{integration_id}:resident'),
    }),
    policy: z
      .strictObject({
        /**
         * true: every user holding the managed role on a covered building is the feed's, and is
         * removed when the PMS does not list them. false: users the PMS does not mention at all are
         * left alone and reported as unmanaged.
         */
        adopt_existing: z.boolean().default(false),
        /** Never removed, whatever the PMS says (staff, owners, board members). */
        protected: z
          .strictObject({ user_ids: z.array(nonEmpty).default([]), emails: z.array(nonEmpty).default([]) })
          .prefault({}),
        guards: z
          .strictObject({
            max_removals: z.number().int().min(0).default(10),
            max_removal_percent: z.number().min(0).max(100).default(20),
            max_rejected_percent: z.number().min(0).max(100).default(10),
          })
          .prefault({}),
      })
      .prefault({}),
  })
  .refine((m) => m.buildings.table.length > 0 || m.fields.integration_id !== undefined, {
    message: 'required: a `table`, or `fields.integration_id` naming a column that holds it',
    path: ['buildings', 'table'],
  })
  .refine((m) => m.fields.status !== undefined || m.status.assume !== undefined, {
    message: 'required: `fields.status`, or `status.assume` for exports with no status column',
    path: ['fields', 'status'],
  });

export type Mapping = z.output<typeof mappingSchema>;
export type MappingInput = z.input<typeof mappingSchema>;
export type Policy = Mapping['policy'];
export type AccessRules = Mapping['access'];
