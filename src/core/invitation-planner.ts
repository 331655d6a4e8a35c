/**
 * The invitation planner: a pure function of (the residents of one building who need an
 * invitation, those who no longer should have access, OpenApp's invitations, pms-sync's own
 * ledger, the feed's invitation policy, now) -> what to invite, resend, cancel, and what waits.
 *
 * Rules, each visible in the `reason` of what it produces:
 * - An invitation belongs to a person when its site access is this building and its email (any
 *   case) or phone is theirs. Several of them: accepted wins, then a live pending one, then the
 *   newest expired; cancelled ones count as none.
 * - Accepted: nothing to send; the next sync finds the account and adds it.
 * - Pending and not expired: no new invitation; a reminder (resend) once it expires within
 *   `reminderHours`. Expired (or pending past `expiresAt`) while still entitled: resend.
 * - Resends and repeat invites respect `maxSends` (the higher of OpenApp's `sentCount` and the
 *   ledger's `sends`), `minIntervalHours` since the last message, and OpenApp's cooldown
 *   (the ledger's `notBefore`, from a 429 Retry-After).
 * - Crash safety: a ledger `intent` for a create that OpenApp does not list blocks a new invite
 *   until OpenApp's list was read at least `INTENT_SETTLE_MS` after the intent was recorded, so a
 *   create that did go through has had time to show up. An `intent` for a resend counts as a
 *   message sent at `recordedAt` for the interval.
 * - Invitations and reminders go out only inside the property's sending hours; outside them they
 *   wait, with `notBefore` the first instant every limit allows inside the window.
 * - Cancel: a person who no longer should have access (and is not also entitled here) and still
 *   has a pending or expired invitation for this building. Cancelling sends nothing to the
 *   resident and withdraws a way in, so it is not held to the sending hours.
 * - Never two invitations for one person: needs are merged by contact (lower-cased email, else
 *   phone) and each person yields at most one operation.
 */
import { DateTime } from 'luxon';
import type { OrgInvitation } from '../openapp/openapp-types.js';
import {
  contactKey,
  sameContact,
  type InvitationContact,
  type InvitationLedgerEntry,
} from './invitation-ledger.js';
import type { NeededInvite } from './plan.js';
import { firstSendingInstant, isInsideSendingHours, type SendingHours } from './sending-window.js';

/** How long after an unconfirmed create pms-sync waits, and reads OpenApp again, before inviting anew. */
export const INTENT_SETTLE_MS = 10 * 60_000;

const HOUR = 3_600_000;

export interface InvitationPolicyInput {
  reminderHours: number;
  maxSends: number;
  minIntervalHours: number;
  sendingHours: SendingHours;
  /** The property's IANA time zone. */
  timeZone: string;
}

export interface NoLongerEntitled extends InvitationContact {
  reason: string;
}

export interface InvitationPlannerInput {
  integrationId: string;
  /** The role new invitations grant (site_access.role). */
  role: string;
  needsInvite: readonly NeededInvite[];
  /** People of this building who no longer should have access, by contact. */
  noLongerEntitled: readonly NoLongerEntitled[];
  /** OpenApp's invitations, every status and building (filtered here). */
  invitations: readonly OrgInvitation[];
  /** Epoch ms at which `invitations` was read from OpenApp. */
  invitationsReadAt: number;
  /** pms-sync's ledger; entries of other buildings are ignored. */
  ledger: readonly InvitationLedgerEntry[];
  policy: InvitationPolicyInput;
  now: number;
}

export interface PlannedInvite extends InvitationContact {
  name: string;
  keys: string[];
  units: string[];
  reason: string;
}

export interface PlannedResend extends InvitationContact {
  invitationId: string;
  name: string;
  /** Messages sent so far, this one not counted. */
  sends: number;
  reason: string;
}

export interface PlannedCancel extends InvitationContact {
  invitationId: string;
  reason: string;
}

export interface WaitingInvitation extends InvitationContact {
  name: string | null;
  reason: string;
  /** ISO instant from which the wait can end; absent when it depends on the resident or an operator. */
  notBefore?: string;
}

export interface InvitationPlan {
  integrationId: string;
  role: string;
  invite: PlannedInvite[];
  resend: PlannedResend[];
  cancel: PlannedCancel[];
  waiting: WaitingInvitation[];
}

type Status = 'accepted' | 'pending' | 'expired' | 'cancelled' | 'unknown';

function statusAt(inv: OrgInvitation, now: number): Status {
  switch (inv.status) {
    case 'accepted':
    case 'cancelled':
    case 'expired':
      return inv.status;
    case 'pending':
      return Date.parse(inv.expiresAt) <= now ? 'expired' : 'pending';
    default:
      return 'unknown';
  }
}

const RANK: Record<Status, number> = { accepted: 0, unknown: 1, pending: 2, expired: 3, cancelled: 4 };

/** The invitation that speaks for a person: accepted, then unknown, live pending, expired; newest first. */
function bestInvitation(invitations: readonly OrgInvitation[], now: number): OrgInvitation | undefined {
  const live = invitations.filter((inv) => statusAt(inv, now) !== 'cancelled');
  return live.sort(
    (a, b) => RANK[statusAt(a, now)] - RANK[statusAt(b, now)] || b.createdAt.localeCompare(a.createdAt),
  )[0];
}

function mergeNeeds(needs: readonly NeededInvite[]): NeededInvite[] {
  const byKey = new Map<string, NeededInvite>();
  for (const need of needs) {
    const key = contactKey(need);
    if (!key) continue;
    const known = byKey.get(key);
    if (!known) {
      byKey.set(key, { ...need, keys: [...need.keys], units: [...need.units] });
      continue;
    }
    known.keys = [...new Set([...known.keys, ...need.keys])];
    known.units = [...new Set([...known.units, ...need.units])];
    known.phone ??= need.phone;
  }
  return [...byKey.values()];
}

export function planInvitations(input: InvitationPlannerInput): InvitationPlan {
  const { integrationId, policy, now } = input;
  const here = input.invitations.filter((inv) => inv.siteAccess?.integrationId === integrationId);
  const ledgerHere = input.ledger.filter((e) => e.integrationId === integrationId);
  const local = (ms: number) =>
    DateTime.fromMillis(ms, { zone: policy.timeZone }).toFormat('yyyy-MM-dd HH:mm ZZZZ');
  const hoursText = `${policy.sendingHours.start}-${policy.sendingHours.end}`;

  const plan: InvitationPlan = {
    integrationId,
    role: input.role,
    invite: [],
    resend: [],
    cancel: [],
    waiting: [],
  };
  const entitled = mergeNeeds(input.needsInvite);

  for (const need of entitled) {
    const contact: InvitationContact = { email: need.email, phone: need.phone };
    const who = { ...contact, name: need.name };
    const mine = here.filter((inv) => sameContact(inv, contact));
    const inv = bestInvitation(mine, now);
    const entry = ledgerHere.find((e) => sameContact(e.contact, contact));
    const status = inv ? statusAt(inv, now) : undefined;

    if (inv && status === 'accepted') {
      plan.waiting.push({ ...who, reason: `invitation accepted; the next sync adds their account` });
      continue;
    }
    if (inv && status === 'unknown') {
      plan.waiting.push({
        ...who,
        reason: `OpenApp reports invitation ${inv.id} as "${inv.status}"; left as it is`,
      });
      continue;
    }

    // What would be sent, and why.
    let action: { kind: 'invite' } | { kind: 'resend'; invitationId: string };
    let why: string;
    if (inv && status === 'pending') {
      const expiresAt = Date.parse(inv.expiresAt);
      const reminderFrom = expiresAt - policy.reminderHours * HOUR;
      if (now < reminderFrom) {
        plan.waiting.push({
          ...who,
          reason: `invitation pending until ${local(expiresAt)}; a reminder is due ${policy.reminderHours} h before`,
          notBefore: new Date(
            firstSendingInstant(reminderFrom, policy.timeZone, policy.sendingHours),
          ).toISOString(),
        });
        continue;
      }
      action = { kind: 'resend', invitationId: inv.id };
      why = `invitation expires ${local(expiresAt)}, within the ${policy.reminderHours} h reminder window`;
    } else if (inv && status === 'expired') {
      action = { kind: 'resend', invitationId: inv.id };
      why = `invitation expired ${local(Date.parse(inv.expiresAt))} while they should still have access`;
    } else if (entry?.state === 'intent' && !entry.invitationId) {
      const settledAt = Date.parse(entry.recordedAt) + INTENT_SETTLE_MS;
      if (input.invitationsReadAt < settledAt) {
        plan.waiting.push({
          ...who,
          reason: `an invitation was requested ${local(Date.parse(entry.recordedAt))} and OpenApp does not list it yet; not inviting again until OpenApp is read after ${local(settledAt)}`,
          notBefore: new Date(Math.max(settledAt, now)).toISOString(),
        });
        continue;
      }
      action = { kind: 'invite' };
      why = `the invitation requested ${local(Date.parse(entry.recordedAt))} never appeared in OpenApp`;
    } else if (entry) {
      action = { kind: 'invite' };
      why = entry.invitationId
        ? `invitation ${entry.invitationId} is no longer listed by OpenApp`
        : 'earlier invitation is no longer listed by OpenApp';
    } else {
      action = { kind: 'invite' };
      why = need.reason;
    }

    // Limits: how many, how often, OpenApp's cooldown, then the sending hours.
    const sends = Math.max(inv?.sentCount ?? 0, entry?.sends ?? 0);
    if (sends >= policy.maxSends) {
      plan.waiting.push({ ...who, reason: `max sends reached (${sends} of ${policy.maxSends}); ${why}` });
      continue;
    }
    const lastSent = Math.max(
      ...[
        inv?.lastSentAt,
        inv?.createdAt,
        entry?.lastSentAt,
        entry?.state === 'intent' ? entry.recordedAt : null,
      ]
        .filter((t): t is string => !!t)
        .map((t) => Date.parse(t)),
      Number.NEGATIVE_INFINITY,
    );
    const blockers: string[] = [];
    let earliest = now;
    const intervalEnd = lastSent + policy.minIntervalHours * HOUR;
    if (sends > 0 && intervalEnd > now) {
      blockers.push(`last sent ${local(lastSent)}, at most one message every ${policy.minIntervalHours} h`);
      earliest = Math.max(earliest, intervalEnd);
    }
    const cooldown = entry?.notBefore ? Date.parse(entry.notBefore) : Number.NaN;
    if (cooldown > now) {
      blockers.push(`OpenApp asked to wait until ${local(cooldown)}`);
      earliest = Math.max(earliest, cooldown);
    }
    if (!isInsideSendingHours(now, policy.timeZone, policy.sendingHours)) {
      blockers.push(`outside the sending hours ${hoursText}`);
    }
    if (blockers.length > 0) {
      const notBefore = firstSendingInstant(earliest, policy.timeZone, policy.sendingHours);
      plan.waiting.push({
        ...who,
        reason: `${why}; waiting: ${blockers.join('; ')}`,
        notBefore: new Date(notBefore).toISOString(),
      });
      continue;
    }

    if (action.kind === 'resend') {
      plan.resend.push({ ...who, invitationId: action.invitationId, sends, reason: why });
    } else {
      plan.invite.push({ ...who, keys: need.keys, units: need.units, reason: why });
    }
  }

  // Cancel: pending or expired invitations of people who no longer should have access.
  const cancelled = new Set<string>();
  for (const gone of input.noLongerEntitled) {
    if (entitled.some((need) => sameContact(need, gone))) continue;
    for (const inv of here) {
      const status = statusAt(inv, now);
      if ((status !== 'pending' && status !== 'expired') || !sameContact(inv, gone) || cancelled.has(inv.id))
        continue;
      cancelled.add(inv.id);
      plan.cancel.push({
        email: gone.email,
        phone: gone.phone,
        invitationId: inv.id,
        reason: `${gone.reason}; invitation ${status === 'pending' ? 'still pending' : 'expired'}, never accepted`,
      });
    }
  }

  const byContact = (c: InvitationContact) => contactKey(c) ?? '';
  plan.invite.sort((a, b) => a.name.localeCompare(b.name) || byContact(a).localeCompare(byContact(b)));
  plan.resend.sort((a, b) => a.name.localeCompare(b.name) || a.invitationId.localeCompare(b.invitationId));
  plan.cancel.sort(
    (a, b) => byContact(a).localeCompare(byContact(b)) || a.invitationId.localeCompare(b.invitationId),
  );
  plan.waiting.sort(
    (a, b) => (a.name ?? '').localeCompare(b.name ?? '') || byContact(a).localeCompare(byContact(b)),
  );
  return plan;
}
