/**
 * Who was invited and where it stands, per feed: OpenApp's invitations for the feed's buildings,
 * with the name and units pms-sync recorded when it sent them. For `pms-sync invitations`, the ops
 * API and metrics.
 */
import { contactKey } from '../core/invitation-ledger.js';
import type { OpenAppClient } from '../openapp/openapp-client.js';
import type { InvitationLedgerStore } from '../queue/invitation-ledger-store.js';

export interface InvitationRow {
  invitation_id: string;
  integration_id: string;
  name: string | null;
  units: string[];
  email: string | null;
  phone: string | null;
  status: string;
  sent_count: number;
  last_sent_at: string | null;
  expires_at: string;
}

export async function invitationReport(
  client: OpenAppClient,
  ledger: InvitationLedgerStore,
  buildings: readonly string[],
  filter: { building?: string; status?: string } = {},
  now = Date.now(),
): Promise<InvitationRow[]> {
  const scope = filter.building ? buildings.filter((b) => b === filter.building) : buildings;
  const known = new Map<string, { name?: string; units?: string[] }>();
  for (const integrationId of scope) {
    for (const entry of await ledger.list(integrationId)) {
      const key = contactKey(entry.contact);
      if (key) known.set(`${integrationId}|${key}`, entry);
    }
  }
  const rows: InvitationRow[] = [];
  for (const inv of await client.listInvitations()) {
    const integrationId = inv.siteAccess?.integrationId;
    if (!integrationId || !scope.includes(integrationId)) continue;
    // OpenApp reports a pending invitation past its expiry as pending: say what it is.
    const status = inv.status === 'pending' && Date.parse(inv.expiresAt) <= now ? 'expired' : inv.status;
    if (filter.status && status !== filter.status) continue;
    const ours = known.get(`${integrationId}|${contactKey({ email: inv.email, phone: inv.phone })}`);
    rows.push({
      invitation_id: inv.id,
      integration_id: integrationId,
      name: ours?.name ?? null,
      units: ours?.units ?? [],
      email: inv.email,
      phone: inv.phone,
      status,
      sent_count: inv.sentCount,
      last_sent_at: inv.lastSentAt,
      expires_at: inv.expiresAt,
    });
  }
  return rows.sort((a, b) =>
    (a.integration_id + (a.name ?? '')).localeCompare(b.integration_id + (b.name ?? '')),
  );
}
