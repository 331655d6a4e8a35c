/**
 * The simulator's data as a file: a seed (`--seed`, hand-written) or a saved state (`--state`,
 * written by the simulator itself, with invitations and the clock). One schema for both; every
 * reference is checked so a typo in a seed is reported with its path, not as a 500 later.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { issuePathText } from '../core/issue-path.js';

const id = z.string().trim().min(1);
const localized = z.union([z.string(), z.record(z.string(), z.string())]);

const invitationStatus = z.enum(['pending', 'accepted', 'cancelled']);

export const snapshotSchema = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().optional(),
  orgs: z.array(z.strictObject({ id, name: z.string() })).min(1),
  api_keys: z
    .array(
      z.strictObject({
        /** The part after `_openapp_`; the base before it may be anything, so one seed serves any port. */
        secret: z.string().min(4),
        org_id: id,
        /** Who the key acts as (`invited_by_user_id`); a fixed placeholder when absent. */
        user_id: id.optional(),
      }),
    )
    .min(1),
  integrations: z.array(
    z.strictObject({
      id,
      org_id: id,
      name: localized,
      provider_type: z.string().default('virtual_access'),
      enabled: z.boolean().default(true),
      health: z.enum(['ok', 'reduced', 'error']).default('ok'),
    }),
  ),
  users: z.array(
    z.strictObject({
      id,
      name: z.string(),
      email: z.string(),
      phone: z.string().nullish(),
      roles: z.record(z.string(), z.array(z.string())).default({}),
    }),
  ),
  building_users: z
    .array(
      z.strictObject({
        integration_id: id,
        user_id: id,
        role: z.string().min(1),
        apartments: z.array(z.string()).default([]),
      }),
    )
    .default([]),
  invitations: z
    .array(
      z.strictObject({
        id,
        org_id: id,
        channel: z.enum(['email', 'sms', 'both']),
        status: invitationStatus,
        email: z.string().nullable(),
        phone: z.string().nullable(),
        site_access: z.strictObject({ integration_id: id, role: z.string() }).nullable(),
        default_roles: z.array(z.string()),
        expires_at: z.iso.datetime(),
        sent_count: z.number().int().min(0),
        last_sent_at: z.iso.datetime().nullable(),
        created_at: z.iso.datetime(),
        invited_by_user_id: id,
        accepted_user_id: id.nullable(),
        token: z.string(),
        pin: z.string(),
      }),
    )
    .default([]),
  clock_offset_ms: z.number().int().default(0),
});

export type Snapshot = z.output<typeof snapshotSchema>;
export type SnapshotInvitation = Snapshot['invitations'][number];

export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file} is not a valid simulator seed:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function parseSnapshot(raw: unknown, file: string): Snapshot {
  const label = path.basename(file);
  const parsed = snapshotSchema.safeParse(raw);
  if (!parsed.success) {
    throw new SnapshotError(
      file,
      parsed.error.issues.map((i) => `${label} > ${issuePathText(i.path)}: ${i.message}`),
    );
  }
  const problems = referenceProblems(parsed.data).map((p) => `${label} > ${p}`);
  if (problems.length > 0) throw new SnapshotError(file, problems);
  return parsed.data;
}

function referenceProblems(s: Snapshot): string[] {
  const problems: string[] = [];
  const orgs = new Set(s.orgs.map((o) => o.id));
  const integrations = new Map(s.integrations.map((i) => [i.id, i]));
  const users = new Set(s.users.map((u) => u.id));
  const unique = (what: string, ids: string[]) => {
    const seen = new Set<string>();
    ids.forEach((v, n) => {
      if (seen.has(v)) problems.push(`${what}[${n}] > id: "${v}" is used twice`);
      seen.add(v);
    });
  };
  unique(
    'orgs',
    s.orgs.map((o) => o.id),
  );
  unique(
    'integrations',
    s.integrations.map((i) => i.id),
  );
  unique(
    'users',
    s.users.map((u) => u.id),
  );
  s.api_keys.forEach((k, n) => {
    if (!orgs.has(k.org_id)) problems.push(`api_keys[${n}] > org_id: no org "${k.org_id}" in orgs`);
  });
  s.integrations.forEach((i, n) => {
    if (!orgs.has(i.org_id)) problems.push(`integrations[${n}] > org_id: no org "${i.org_id}" in orgs`);
  });
  s.building_users.forEach((b, n) => {
    const integration = integrations.get(b.integration_id);
    if (!integration)
      problems.push(`building_users[${n}] > integration_id: no integration "${b.integration_id}"`);
    if (!users.has(b.user_id))
      problems.push(`building_users[${n}] > user_id: no user "${b.user_id}" in users`);
    const prefix = `virtual_access:integration:${b.integration_id}:`;
    if (!b.role.startsWith(prefix)) problems.push(`building_users[${n}] > role: must start with "${prefix}"`);
  });
  s.invitations.forEach((inv, n) => {
    if (!orgs.has(inv.org_id)) problems.push(`invitations[${n}] > org_id: no org "${inv.org_id}" in orgs`);
  });
  return problems;
}

export async function loadSnapshotFile(file: string): Promise<Snapshot> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new SnapshotError(file, [
      `cannot read the file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    ]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new SnapshotError(file, [`not valid JSON: ${(err as Error).message}`]);
  }
  return parseSnapshot(raw, file);
}
