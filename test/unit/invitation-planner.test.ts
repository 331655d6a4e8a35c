import { describe, expect, it } from 'vitest';
import type { InvitationLedgerEntry } from '../../src/core/invitation-ledger.js';
import {
  INTENT_SETTLE_MS,
  planInvitations,
  type InvitationPlan,
  type InvitationPlannerInput,
  type NoLongerEntitled,
} from '../../src/core/invitation-planner.js';
import type { NeededInvite } from '../../src/core/plan.js';
import type { OrgInvitation } from '../../src/openapp/openapp-types.js';

const BUILDING = 'int-1';
const OTHER = 'int-2';
const ms = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString();
const HOUR = 3_600_000;
/** Noon in Chicago, inside the 09:00-20:00 sending hours. */
const NOON = ms('2026-06-10T12:00:00-05:00');
const THREE_AM = ms('2026-06-10T03:00:00-05:00');

const ada: NeededInvite = {
  email: 'ada@example.com',
  phone: null,
  name: 'Ada Lovelace',
  keys: ['R1'],
  units: ['101'],
  reason: 'no OpenApp account for this email; resident since 2026-06-01',
};
const bob: NeededInvite = {
  email: null,
  phone: '+13125550100',
  name: 'Bob Phone',
  keys: ['R2'],
  units: ['102'],
  reason: 'no OpenApp account for this phone; resident since 2026-06-01',
};

function invitation(over: Partial<OrgInvitation> = {}): OrgInvitation {
  return {
    id: 'inv-1',
    orgId: 'org-1',
    channel: 'email',
    status: 'pending',
    email: 'ada@example.com',
    phone: null,
    siteAccess: { integrationId: BUILDING, role: `resident:${BUILDING}` },
    defaultRoles: [],
    expiresAt: iso(NOON + 5 * 24 * HOUR),
    sentCount: 1,
    lastSentAt: iso(NOON - 2 * 24 * HOUR),
    acceptedUserId: null,
    createdAt: iso(NOON - 2 * 24 * HOUR),
    ...over,
  };
}

function entry(over: Partial<InvitationLedgerEntry> = {}): InvitationLedgerEntry {
  return {
    contact: { email: 'ada@example.com', phone: null },
    integrationId: BUILDING,
    state: 'sent',
    invitationId: 'inv-1',
    sends: 1,
    lastSentAt: iso(NOON - 2 * 24 * HOUR),
    recordedAt: iso(NOON - 2 * 24 * HOUR),
    ...over,
  };
}

function input(over: Partial<InvitationPlannerInput> = {}): InvitationPlannerInput {
  const now = over.now ?? NOON;
  return {
    integrationId: BUILDING,
    role: `resident:${BUILDING}`,
    needsInvite: [ada],
    noLongerEntitled: [],
    invitations: [],
    invitationsReadAt: now,
    ledger: [],
    policy: {
      reminderHours: 24,
      maxSends: 3,
      minIntervalHours: 24,
      sendingHours: { start: '09:00', end: '20:00' },
      timeZone: 'America/Chicago',
    },
    now,
    ...over,
  };
}

/** What a reader of the plan sees: who gets what, and every reason and notBefore. */
function outcome(plan: InvitationPlan) {
  return {
    invite: plan.invite.map((i) => i.name),
    resend: plan.resend.map((r) => r.invitationId),
    cancel: plan.cancel.map((c) => c.invitationId),
    waiting: plan.waiting.map((w) => w.name),
    reasons: [...plan.invite, ...plan.resend, ...plan.cancel, ...plan.waiting]
      .map((x) => x.reason)
      .join(' | '),
    notBefore: plan.waiting.map((w) => w.notBefore),
  };
}

interface Case {
  name: string;
  input: InvitationPlannerInput;
  invite?: string[];
  resend?: string[];
  cancel?: string[];
  waiting?: string[];
  reason: RegExp;
  notBefore?: (string | undefined)[];
}

const leftLease: NoLongerEntitled = {
  email: 'ada@example.com',
  phone: null,
  reason: 'moved out 2026-06-05',
};

const cases: Case[] = [
  // invite
  {
    name: 'no invitation and no ledger entry: invite',
    input: input(),
    invite: ['Ada Lovelace'],
    reason: /no OpenApp account for this email/,
  },
  {
    name: 'only a cancelled invitation: invite again',
    input: input({ invitations: [invitation({ status: 'cancelled' })] }),
    invite: ['Ada Lovelace'],
    reason: /no OpenApp account/,
  },
  {
    name: 'an invitation for another building does not count: invite',
    input: input({
      invitations: [invitation({ siteAccess: { integrationId: OTHER, role: `resident:${OTHER}` } })],
    }),
    invite: ['Ada Lovelace'],
    reason: /no OpenApp account/,
  },
  {
    name: 'a ledger entry of another building does not count: invite',
    input: input({
      ledger: [
        entry({ integrationId: OTHER, state: 'intent', invitationId: undefined, recordedAt: iso(NOON) }),
      ],
    }),
    invite: ['Ada Lovelace'],
    reason: /no OpenApp account/,
  },
  {
    name: 'the same email twice (any case): one invitation with both units',
    input: input({
      needsInvite: [ada, { ...ada, email: 'ADA@Example.com', keys: ['R9'], units: ['909'] }],
    }),
    invite: ['Ada Lovelace'],
    reason: /no OpenApp account/,
  },
  // pending
  {
    name: 'pending, expiring after the reminder window: nothing until the reminder is due',
    input: input({ invitations: [invitation()] }),
    waiting: ['Ada Lovelace'],
    reason: /pending until 2026-06-15 12:00 CDT; a reminder is due 24 h before/,
    notBefore: [iso(NOON + 4 * 24 * HOUR)],
  },
  {
    name: 'pending, matched by email in another case: no second invitation',
    input: input({ invitations: [invitation({ email: 'ADA@EXAMPLE.COM' })] }),
    waiting: ['Ada Lovelace'],
    reason: /pending until/,
    notBefore: [iso(NOON + 4 * 24 * HOUR)],
  },
  {
    name: 'pending, matched by phone written differently: no second invitation',
    input: input({
      needsInvite: [bob],
      invitations: [invitation({ email: null, phone: '+1 (312) 555-0100', channel: 'sms' })],
    }),
    waiting: ['Bob Phone'],
    reason: /pending until/,
    notBefore: [iso(NOON + 4 * 24 * HOUR)],
  },
  {
    name: 'pending, expiring within the reminder window: resend',
    input: input({ invitations: [invitation({ expiresAt: iso(NOON + 10 * HOUR) })] }),
    resend: ['inv-1'],
    reason: /expires 2026-06-10 22:00 CDT, within the 24 h reminder window/,
  },
  // expired
  {
    name: 'expired while still entitled: resend',
    input: input({ invitations: [invitation({ status: 'expired', expiresAt: iso(NOON - HOUR) })] }),
    resend: ['inv-1'],
    reason: /expired 2026-06-10 11:00 CDT while they should still have access/,
  },
  {
    name: 'still "pending" in OpenApp but past expiresAt: resend as expired',
    input: input({ invitations: [invitation({ expiresAt: iso(NOON - HOUR) })] }),
    resend: ['inv-1'],
    reason: /expired .* while they should still have access/,
  },
  {
    name: 'an expired and a live pending one: the live one speaks, nothing sent',
    input: input({
      invitations: [
        invitation({ id: 'old', status: 'expired', expiresAt: iso(NOON - HOUR) }),
        invitation({ id: 'new' }),
      ],
    }),
    waiting: ['Ada Lovelace'],
    reason: /pending until/,
    notBefore: [iso(NOON + 4 * 24 * HOUR)],
  },
  // accepted, unknown
  {
    name: 'accepted: nothing to send, the next sync adds the account',
    input: input({ invitations: [invitation({ status: 'accepted', acceptedUserId: 'u-1' })] }),
    waiting: ['Ada Lovelace'],
    reason: /accepted; the next sync adds their account/,
    notBefore: [undefined],
  },
  {
    name: 'a status OpenApp added later: left as it is, no new invitation',
    input: input({ invitations: [invitation({ status: 'revoked' })] }),
    waiting: ['Ada Lovelace'],
    reason: /reports invitation inv-1 as "revoked"; left as it is/,
    notBefore: [undefined],
  },
  // limits
  {
    name: 'max sends reached (OpenApp count): waiting',
    input: input({
      invitations: [invitation({ status: 'expired', expiresAt: iso(NOON - HOUR), sentCount: 3 })],
    }),
    waiting: ['Ada Lovelace'],
    reason: /max sends reached \(3 of 3\)/,
    notBefore: [undefined],
  },
  {
    name: 'max sends reached (ledger count higher than OpenApp): waiting',
    input: input({
      invitations: [invitation({ status: 'expired', expiresAt: iso(NOON - HOUR), sentCount: 1 })],
      ledger: [entry({ sends: 3 })],
    }),
    waiting: ['Ada Lovelace'],
    reason: /max sends reached \(3 of 3\)/,
  },
  {
    name: 'last sent 2 h ago: waits for the minimum interval',
    input: input({
      invitations: [
        invitation({ status: 'expired', expiresAt: iso(NOON - HOUR), lastSentAt: iso(NOON - 2 * HOUR) }),
      ],
    }),
    waiting: ['Ada Lovelace'],
    reason: /waiting: last sent 2026-06-10 10:00 CDT, at most one message every 24 h/,
    notBefore: [iso(NOON + 22 * HOUR)],
  },
  {
    name: 'minimum interval ending at night: waits for the next morning',
    input: input({
      invitations: [
        invitation({
          status: 'expired',
          expiresAt: iso(NOON - HOUR),
          lastSentAt: '2026-06-09T22:00:00-05:00',
        }),
      ],
    }),
    waiting: ['Ada Lovelace'],
    reason: /at most one message every 24 h/,
    notBefore: [iso(ms('2026-06-11T09:00:00-05:00'))],
  },
  {
    name: 'a resend intent (maybe sent) counts as a message for the interval',
    input: input({
      invitations: [invitation({ status: 'expired', expiresAt: iso(NOON - HOUR) })],
      ledger: [entry({ state: 'intent', recordedAt: iso(NOON - HOUR) })],
    }),
    waiting: ['Ada Lovelace'],
    reason: /last sent 2026-06-10 11:00 CDT/,
    notBefore: [iso(NOON + 23 * HOUR)],
  },
  {
    name: "OpenApp's cooldown (Retry-After) in the ledger: waits for it",
    input: input({
      invitations: [invitation({ status: 'expired', expiresAt: iso(NOON - HOUR) })],
      ledger: [entry({ notBefore: iso(NOON + HOUR) })],
    }),
    waiting: ['Ada Lovelace'],
    reason: /OpenApp asked to wait until 2026-06-10 13:00 CDT/,
    notBefore: [iso(NOON + HOUR)],
  },
  {
    name: 'a minimum interval of 0 allows an immediate resend',
    input: {
      ...input({
        invitations: [
          invitation({ status: 'expired', expiresAt: iso(NOON - HOUR), lastSentAt: iso(NOON - 1000) }),
        ],
      }),
      policy: { ...input().policy, minIntervalHours: 0 },
    },
    resend: ['inv-1'],
    reason: /expired/,
  },
  // sending hours
  {
    name: 'at 3 a.m. a new invitation waits for 09:00',
    input: input({ now: THREE_AM }),
    waiting: ['Ada Lovelace'],
    reason: /no OpenApp account .*; waiting: outside the sending hours 09:00-20:00/,
    notBefore: [iso(ms('2026-06-10T09:00:00-05:00'))],
  },
  {
    name: 'at 3 a.m. a resend waits for 09:00',
    input: input({
      now: THREE_AM,
      invitations: [invitation({ status: 'expired', expiresAt: iso(THREE_AM - HOUR) })],
    }),
    waiting: ['Ada Lovelace'],
    reason: /outside the sending hours/,
    notBefore: [iso(ms('2026-06-10T09:00:00-05:00'))],
  },
  // crash safety
  {
    name: 'a create intent OpenApp does not list yet (read 5 min later): no second invitation',
    input: input({
      ledger: [
        entry({
          state: 'intent',
          invitationId: undefined,
          sends: 0,
          lastSentAt: null,
          recordedAt: iso(NOON - 5 * 60_000),
        }),
      ],
    }),
    waiting: ['Ada Lovelace'],
    reason: /requested 2026-06-10 11:55 CDT and OpenApp does not list it yet/,
    notBefore: [iso(NOON + 5 * 60_000)],
  },
  {
    name: 'a create intent, list read before it settled although now is later: still waits',
    input: input({
      now: NOON + HOUR,
      invitationsReadAt: NOON,
      ledger: [
        entry({
          state: 'intent',
          invitationId: undefined,
          sends: 0,
          lastSentAt: null,
          recordedAt: iso(NOON - 5 * 60_000),
        }),
      ],
    }),
    waiting: ['Ada Lovelace'],
    reason: /does not list it yet/,
    notBefore: [iso(NOON + HOUR)],
  },
  {
    name: 'a create intent OpenApp still does not list 15 min later: invite again',
    input: input({
      ledger: [
        entry({
          state: 'intent',
          invitationId: undefined,
          sends: 0,
          lastSentAt: null,
          recordedAt: iso(NOON - 15 * 60_000),
        }),
      ],
    }),
    invite: ['Ada Lovelace'],
    reason: /the invitation requested 2026-06-10 11:45 CDT never appeared in OpenApp/,
  },
  {
    name: 'a create intent that OpenApp does list: it went through, no second invitation',
    input: input({
      invitations: [invitation({ createdAt: iso(NOON - 60_000), lastSentAt: iso(NOON - 60_000) })],
      ledger: [
        entry({
          state: 'intent',
          invitationId: undefined,
          sends: 0,
          lastSentAt: null,
          recordedAt: iso(NOON - 2 * 60_000),
        }),
      ],
    }),
    waiting: ['Ada Lovelace'],
    reason: /pending until/,
  },
  {
    name: 'a sent invitation OpenApp no longer lists: invite again, counting earlier sends',
    input: input({ ledger: [entry({ lastSentAt: iso(NOON - 3 * 24 * HOUR) })] }),
    invite: ['Ada Lovelace'],
    reason: /invitation inv-1 is no longer listed by OpenApp/,
  },
  {
    name: 'a sent invitation OpenApp no longer lists, max sends reached: waiting',
    input: input({ ledger: [entry({ sends: 3 })] }),
    waiting: ['Ada Lovelace'],
    reason: /max sends reached \(3 of 3\); invitation inv-1 is no longer listed/,
  },
  // cancel
  {
    name: 'lease ended before they accepted (pending): cancel',
    input: input({ needsInvite: [], noLongerEntitled: [leftLease], invitations: [invitation()] }),
    cancel: ['inv-1'],
    reason: /moved out 2026-06-05; invitation still pending, never accepted/,
  },
  {
    name: 'lease ended, invitation expired: cancel',
    input: input({
      needsInvite: [],
      noLongerEntitled: [leftLease],
      invitations: [invitation({ status: 'expired', expiresAt: iso(NOON - HOUR) })],
    }),
    cancel: ['inv-1'],
    reason: /invitation expired, never accepted/,
  },
  {
    name: 'lease ended, cancelled at 3 a.m. too (nothing is sent to the resident)',
    input: input({
      now: THREE_AM,
      needsInvite: [],
      noLongerEntitled: [leftLease],
      invitations: [invitation()],
    }),
    cancel: ['inv-1'],
    reason: /still pending/,
  },
  {
    name: 'lease ended, invitation accepted or already cancelled: nothing',
    input: input({
      needsInvite: [],
      noLongerEntitled: [leftLease],
      invitations: [
        invitation({ id: 'a', status: 'accepted' }),
        invitation({ id: 'c', status: 'cancelled' }),
      ],
    }),
    reason: /^$/,
  },
  {
    name: "lease ended, the pending invitation is another building's: nothing",
    input: input({
      needsInvite: [],
      noLongerEntitled: [leftLease],
      invitations: [invitation({ siteAccess: { integrationId: OTHER, role: `resident:${OTHER}` } })],
    }),
    reason: /^$/,
  },
  {
    name: 'no longer entitled through one unit but still through another: not cancelled',
    input: input({ noLongerEntitled: [leftLease], invitations: [invitation()] }),
    waiting: ['Ada Lovelace'],
    reason: /pending until/,
  },
];

describe('planInvitations', () => {
  it.each(cases)('$name', (c) => {
    const got = outcome(planInvitations(c.input));
    expect(got.invite).toEqual(c.invite ?? []);
    expect(got.resend).toEqual(c.resend ?? []);
    expect(got.cancel).toEqual(c.cancel ?? []);
    expect(got.waiting).toEqual(c.waiting ?? []);
    expect(got.reasons).toMatch(c.reason);
    if (c.notBefore) expect(got.notBefore).toEqual(c.notBefore);
  });

  it('merges a duplicated person into one invitation carrying every key and unit', () => {
    const plan = planInvitations(
      input({ needsInvite: [ada, { ...ada, email: 'ADA@Example.com', keys: ['R9'], units: ['909'] }] }),
    );
    expect(plan.invite).toEqual([
      {
        email: 'ada@example.com',
        phone: null,
        name: 'Ada Lovelace',
        keys: ['R1', 'R9'],
        units: ['101', '909'],
        reason: ada.reason,
      },
    ]);
  });

  it('gives each person one operation, in a stable order', () => {
    const carol: NeededInvite = {
      ...ada,
      email: 'carol@example.com',
      name: 'Carol',
      keys: ['R3'],
      units: ['103'],
    };
    const plan = planInvitations(
      input({
        needsInvite: [carol, bob, ada],
        invitations: [
          invitation({ id: 'inv-bob', email: null, phone: '+13125550100', expiresAt: iso(NOON + HOUR) }),
        ],
      }),
    );
    expect(plan.invite.map((i) => i.name)).toEqual(['Ada Lovelace', 'Carol']);
    expect(plan.resend).toEqual([
      {
        email: null,
        phone: '+13125550100',
        name: 'Bob Phone',
        invitationId: 'inv-bob',
        sends: 1,
        reason: expect.stringMatching(/reminder window/) as unknown,
      },
    ]);
    expect(plan.waiting).toEqual([]);
  });

  it('settles an intent after INTENT_SETTLE_MS', () => {
    const recordedAt = NOON - INTENT_SETTLE_MS;
    const plan = planInvitations(
      input({
        ledger: [
          entry({
            state: 'intent',
            invitationId: undefined,
            sends: 0,
            lastSentAt: null,
            recordedAt: iso(recordedAt),
          }),
        ],
      }),
    );
    expect(plan.invite.map((i) => i.name)).toEqual(['Ada Lovelace']);
  });
});
