/**
 * A mapping's `database` section: what to read when a feed's source is a PMS database rather than
 * a CSV export. The query's columns play the part of the export's header, so the rest of the
 * mapping (fields, statuses, buildings, policy) reads a database exactly as it reads a file.
 *
 * ```yaml
 * database:
 *   query: |
 *     SELECT r.person_id, l.lease_id, p.name AS property, …
 *     FROM residents r JOIN leases l ON … WHERE p.code = :property_code ORDER BY r.person_id
 *   parameters: { property_code: MAPLE }     # defaults; a feed's source may override them
 *   statement_timeout_ms: 300000
 *   changed_since:                            # for feeds that poll (`poll:` in the feeds file)
 *     query: SELECT p.name AS property, u.unit_number AS unit, l.updated_at AS changed_at
 *            FROM leases l JOIN … WHERE l.updated_at > :since
 * ---
 * database:
 *   table: pms.resident_directory            # or a table or view, with the columns to read
 *   columns: [person_id, property, unit, first_name, last_name, email, status, move_in, move_out]
 *   where: property_code = :property_code
 * ```
 */
import { z } from 'zod';

const nonEmpty = z.string().trim().min(1);

/** A parameter name as the query writes it after the colon. */
export const parameterName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'letters, digits and _, not starting with a digit');

/** Values of named parameters: sent to the database apart from the SQL, never written into it. */
export const parametersSchema = z.record(parameterName, z.union([z.string(), z.number(), z.boolean()]));

/** A table or view, optionally schema-qualified: plain identifiers, quoted when the query is built. */
const tableName = z
  .string()
  .trim()
  .regex(/^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/, 'a table or view name, e.g. pms.residents');

/** A column name as the table writes it; quoted when the query is built, so spaces are fine. */
const columnName = z
  .string()
  .trim()
  .min(1)
  .regex(/^[^"`\\]+$/, 'a column name without quotes or backslashes');

export const databaseSectionSchema = z
  .strictObject({
    /** The query, with `:named` parameters. Add ORDER BY for line numbers that stay put between runs. */
    query: nonEmpty.optional(),
    /** Or a table or view to read… */
    table: tableName.optional(),
    /** …these columns of it (default: all)… */
    columns: z.array(columnName).min(1).optional(),
    /** …and the rows this SQL condition keeps (`:named` parameters allowed). */
    where: nonEmpty.optional(),
    /** Default values of named parameters; the feed's `source.database.parameters` override them. */
    parameters: parametersSchema.default({}),
    /**
     * Limit of the statement. PostgreSQL applies it to each fetch of the cursor; MariaDB
     * (max_statement_time) and MySQL (max_execution_time) to the whole query.
     */
    statement_timeout_ms: z.number().int().min(100).max(3_600_000).default(300_000),
    /**
     * For polling: the rows changed since `:since` (the high-water mark of the last poll), each
     * with `changed_at` (a timestamp) and the building: `integration_id`, or `property` (and
     * `unit`) placed by the buildings table.
     */
    changed_since: z.strictObject({ query: nonEmpty }).optional(),
  })
  .refine((d) => (d.query === undefined) !== (d.table === undefined), {
    message: 'give exactly one of `query` or `table`',
  })
  .refine((d) => d.table !== undefined || (d.columns === undefined && d.where === undefined), {
    message: '`columns` and `where` go with `table`; write them into `query` instead',
  });

export type DatabaseSection = z.output<typeof databaseSectionSchema>;
