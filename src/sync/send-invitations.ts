/**
 * The invitation step of a building sync: plan invites, reminders and cancellations from the
 * building plan, OpenApp's invitations and pms-sync's ledger, then carry them out, intent first.
 */
import { accessKind } from '../core/access-window.js';
import { sameContact, type InvitationLedgerEntry } from '../core/invitation-ledger.js';
import type { OrgInvitation } from '../openapp/openapp-types.js';
import type { PersonLinkStore } from '../queue/person-link-store.js';
import { planInvitations, type InvitationPlan } from '../core/invitation-planner.js';
import type { Plan } from '../core/plan.js';
import type { FeedPolicy } from '../core/planner.js';
import type { ResidentRecord } from '../core/resident-record.js';
import type { InvitationPolicy } from '../feeds/feed-schema.js';
import type { OpenAppClient } from '../openapp/openapp-client.js';
import { OpenAppError } from '../openapp/openapp-error.js';
import type { InvitationLedgerStore } from '../queue/invitation-ledger-store.js';

export interface InvitationOutcome {
  /** Why nothing was sent at all, when that is the case (disabled, API generation 2025). */
  skipped?: string;
  invited: number;
  resent: number;
  cancelled: number;
  waiting: number;
  failed: { contact: string; error: string }[];
  plan?: InvitationPlan;
}

export async function sendInvitations(input: {
  plan: Plan;
  integrationId: string;
  records: readonly ResidentRecord[];
  policy: FeedPolicy;
  invitations: InvitationPolicy;
  client: OpenAppClient;
  ledger: InvitationLedgerStore;
  links: PersonLinkStore;
  now: number;
  correlationId: string;
}): Promise<InvitationOutcome> {
  const building = input.plan.buildings.find((b) => b.integrationId === input.integrationId);
  const empty: InvitationOutcome = { invited: 0, resent: 0, cancelled: 0, waiting: 0, failed: [] };
  if (!building) return empty;
  if (!input.invitations.enabled) {
    return {
      ...empty,
      skipped: 'invitations are disabled for this feed',
      waiting: building.needsInvite.length,
    };
  }
  if (input.client.generation !== '2026') {
    return {
      ...empty,
      skipped: `OpenApp API generation ${input.client.generation} has no invitations API; ${building.needsInvite.length} residents need one`,
      waiting: building.needsInvite.length,
    };
  }
  const call = { correlationId: input.correlationId };
  const invitations = await input.client.listInvitations(call);
  const readAt = Date.now();
  const ledger = await input.ledger.list(input.integrationId);
  await linkAcceptedResidents(input, invitations, ledger);
  // People of this building the PMS no longer grants access: their pending invitations are withdrawn.
  const noLongerEntitled = input.records
    .filter((r) => (r.email || r.phone) && accessKind(r, input.policy.access, input.now) === 'denied')
    .map((r) => ({ email: r.email ?? null, phone: r.phone ?? null, reason: 'no longer entitled to access' }));
  const plan = planInvitations({
    integrationId: input.integrationId,
    role: building.role,
    needsInvite: building.needsInvite,
    noLongerEntitled,
    invitations,
    invitationsReadAt: readAt,
    ledger,
    policy: {
      reminderHours: input.invitations.reminder_hours,
      maxSends: input.invitations.max_sends,
      minIntervalHours: input.invitations.min_interval_hours,
      sendingHours: input.invitations.sending_hours,
      timeZone: input.policy.access.timeZone,
    },
    now: input.now,
  });

  const outcome: InvitationOutcome = { ...empty, waiting: plan.waiting.length, plan };
  const entry = (
    contact: { email: string | null; phone: string | null },
    patch: Partial<InvitationLedgerEntry>,
  ) => ({
    contact: { email: contact.email, phone: contact.phone },
    integrationId: input.integrationId,
    state: 'intent' as const,
    sends: 0,
    lastSentAt: null,
    recordedAt: new Date().toISOString(),
    ...patch,
  });
  /**
   * A send that failed: OpenApp's Retry-After is kept as the entry's `notBefore`. Only a 429 proves
   * OpenApp did nothing; after any other failure (a 5xx, a reset, a timeout) the message may have
   * gone out, so the entry stays an intent and the planner waits to see it listed before sending anew.
   */
  const failed = async (
    contact: { email: string | null; phone: string | null },
    err: unknown,
    intent?: InvitationLedgerEntry,
  ) => {
    if (!(err instanceof OpenAppError)) throw err;
    if (intent && err.retryAfterMs) {
      const notBefore = new Date(Date.now() + err.retryAfterMs).toISOString();
      const state = err.status === 429 ? 'sent' : 'intent';
      await input.ledger.write({ ...intent, state, notBefore, recordedAt: new Date().toISOString() });
    }
    outcome.failed.push({ contact: contact.email ?? contact.phone ?? '?', error: err.message });
  };

  for (const invite of plan.invite) {
    const who = { name: invite.name, units: invite.units, keys: invite.keys };
    const intent = entry(invite, who);
    await input.ledger.write(intent);
    try {
      const { invitation } = await input.client.createInvitation(
        {
          ...(invite.email ? { email: invite.email } : {}),
          ...(invite.phone ? { phone: invite.phone } : {}),
          siteAccess: { integrationId: input.integrationId, role: building.role },
        },
        call,
      );
      await input.ledger.write(
        entry(invite, {
          ...who,
          state: 'sent',
          invitationId: invitation.id,
          sends: 1,
          lastSentAt: new Date().toISOString(),
        }),
      );
      outcome.invited++;
    } catch (err) {
      await failed(invite, err, intent);
    }
  }
  for (const resend of plan.resend) {
    const intent = entry(resend, { invitationId: resend.invitationId, sends: resend.sends });
    await input.ledger.write(intent);
    try {
      const invitation = await input.client.resendInvitation(resend.invitationId, call);
      await input.ledger.write(
        entry(resend, {
          state: 'sent',
          invitationId: invitation.id,
          sends: resend.sends + 1,
          lastSentAt: new Date().toISOString(),
        }),
      );
      outcome.resent++;
    } catch (err) {
      await failed(resend, err, intent);
    }
  }
  for (const cancel of plan.cancel) {
    try {
      await input.client.cancelInvitation(cancel.invitationId, call);
      outcome.cancelled++;
    } catch (err) {
      // Already accepted or cancelled meanwhile: nothing left to withdraw.
      if (err instanceof OpenAppError && err.status === 422) continue;
      await failed(cancel, err);
    }
  }
  return outcome;
}

/** An accepted invitation ties the PMS person keys it was sent for to the account that accepted it. */
async function linkAcceptedResidents(
  input: { integrationId: string; links: PersonLinkStore },
  invitations: readonly OrgInvitation[],
  ledger: readonly InvitationLedgerEntry[],
): Promise<void> {
  for (const inv of invitations) {
    if (
      inv.status !== 'accepted' ||
      !inv.acceptedUserId ||
      inv.siteAccess?.integrationId !== input.integrationId
    )
      continue;
    const entry = ledger.find(
      (e) => e.invitationId === inv.id || sameContact(e.contact, { email: inv.email, phone: inv.phone }),
    );
    if (entry?.keys) await input.links.link(input.integrationId, entry.keys, inv.acceptedUserId);
  }
}
