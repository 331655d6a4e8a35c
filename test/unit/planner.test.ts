import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/core/plan.js';
import { emailsToLookUp, plan, type FeedPolicy, type PlannerInput } from '../../src/core/planner.js';
import { assessRecords } from '../../src/core/record-assessment.js';
import type { RejectedRow, ResidentRecord } from '../../src/core/resident-record.js';
import type { BuildingUser } from '../../src/openapp/openapp-types.js';

const B1 = 'INT-MAPLE';
const B2 = 'INT-BIRCH';
const role = (b: string) => `virtual_access:integration:${b}:resident`;
const NOW = Date.parse('2026-11-22T12:00:00-06:00');

const policy: FeedPolicy = {
  access: { timeZone: 'America/Chicago', moveInLeadDays: 0, moveOutGraceDays: 0 },
  roleTemplate: 'virtual_access:integration:{integration_id}:resident',
  adoptExisting: false,
  protectedUserIds: [],
  protectedEmails: [],
  guards: { maxRemovals: 10, maxRemovalPercent: 50, maxRejectedPercent: 10 },
};

let line = 1;
function rec(p: Partial<ResidentRecord> & { name: string }): ResidentRecord {
  const email = p.email === undefined ? `${p.name.toLowerCase().replace(/\W+/g, '.')}@example.com` : p.email;
  const base: ResidentRecord = {
    line: ++line,
    unit: '101',
    integrationId: B1,
    status: 'current',
    rawStatus: 'Current',
    ...p,
  };
  if (email) base.email = email;
  else delete base.email;
  return base;
}

function bu(userId: string, email: string | null, b = B1, r = role(b)): BuildingUser {
  return { userId, role: r, units: [], email, name: userId };
}

function run(over: Partial<PlannerInput> & { records: ResidentRecord[] }): Plan {
  const records = over.records;
  return plan({
    rejected: [],
    stats: {
      rows: records.length,
      records: records.length,
      rejected: over.rejected?.length ?? 0,
      skipped: 0,
    },
    sourceComplete: true,
    buildings: [B1],
    actual: new Map(),
    directory: new Map(),
    policy,
    now: NOW,
    ...over,
  });
}

const building = (p: Plan, id = B1) => {
  const b = p.buildings.find((x) => x.integrationId === id);
  if (!b) throw new Error(`no building ${id} in plan`);
  return b;
};
const ops = (p: Plan, id = B1) => {
  const b = building(p, id);
  return {
    add: b.add.map((a) => a.userId),
    remove: b.remove.map((r) => r.userId),
    invite: b.needsInvite.map((n) => n.email ?? n.phone),
    unchanged: b.unchanged,
  };
};

describe('planner: who gains and who loses access', () => {
  it.each([
    // name, record overrides, actual users in B1, expected ops
    [
      'current resident already in OpenApp: unchanged',
      { status: 'current' },
      [bu('u1', 'ana@example.com')],
      { add: [], remove: [], invite: [], unchanged: 1 },
    ],
    [
      'current resident with an account not yet in the building: add',
      { status: 'current' },
      [bu('u1', 'ana@example.com', B1, 'virtual_access:integration:INT-MAPLE:staff')],
      { add: ['u1'], remove: [], invite: [], unchanged: 0 },
    ],
    [
      'moved out yesterday: remove',
      { status: 'past', moveOut: '2026-11-21' },
      [bu('u1', 'ana@example.com')],
      { add: [], remove: ['u1'], invite: [], unchanged: 0 },
    ],
    [
      'moves out today: keeps access',
      { status: 'notice', moveOut: '2026-11-22' },
      [bu('u1', 'ana@example.com')],
      { add: [], remove: [], invite: [], unchanged: 1 },
    ],
    [
      'future resident moving in tomorrow: not yet',
      { status: 'future', moveIn: '2026-11-23' },
      [],
      { add: [], remove: [], invite: [], unchanged: 0 },
    ],
    [
      'future resident moving in today with no account: invite',
      { status: 'future', moveIn: '2026-11-22' },
      [],
      { add: [], remove: [], invite: ['ana@example.com'], unchanged: 0 },
    ],
    [
      'inactive row (vacant, applicant) for a user who has access: remove',
      { status: 'inactive', rawStatus: 'Canceled' },
      [bu('u1', 'ana@example.com')],
      { add: [], remove: ['u1'], invite: [], unchanged: 0 },
    ],
    [
      'unknown status: never removed',
      { status: 'review', rawStatus: 'Pending' },
      [bu('u1', 'ana@example.com')],
      { add: [], remove: [], invite: [], unchanged: 0 },
    ],
    [
      'email matched case-insensitively',
      { email: 'ana@example.com' },
      [bu('u1', ' ANA@Example.com ')],
      { add: [], remove: [], invite: [], unchanged: 1 },
    ],
  ] as const)('%s', (_label, overrides, actual, expected) => {
    const p = run({ records: [rec({ name: 'Ana', ...overrides })], actual: new Map([[B1, [...actual]]]) });
    expect(ops(p)).toEqual(expected);
  });

  it('finds an account through the directory (a users search) when the building does not have it', () => {
    const p = run({ records: [rec({ name: 'Ana' })], directory: new Map([['ana@example.com', ['u9']]]) });
    expect(ops(p).add).toEqual(['u9']);
  });

  it('invites rather than guessing when several accounts share the email', () => {
    const p = run({
      records: [rec({ name: 'Ana' })],
      directory: new Map([['ana@example.com', ['u8', 'u9']]]),
    });
    expect(ops(p)).toMatchObject({ add: [], invite: ['ana@example.com'] });
  });

  it('prefers the OpenApp user id the PMS carries over the email', () => {
    const p = run({
      records: [rec({ name: 'Ana', openappUserId: 'u7' })],
      actual: new Map([[B1, [bu('u1', 'ana@example.com')]]]),
    });
    expect(ops(p)).toMatchObject({ add: ['u7'], remove: [] });
    // u1 shares the email of a current resident: a duplicate account, kept for an operator to sort out
    expect(building(p).kept[0]?.reason).toMatch(/under another OpenApp user/);
  });
});

describe('planner: people, households and duplicates', () => {
  it('a person in two rows or two units is one building user', () => {
    const p = run({
      records: [rec({ name: 'Ana', unit: '101' }), rec({ name: 'Ana', unit: '205', personId: 'p2' })],
      directory: new Map([['ana@example.com', ['u1']]]),
    });
    const b = building(p);
    expect(b.add).toHaveLength(1);
    expect(b.add[0]).toMatchObject({ userId: 'u1', units: ['101', '205'] });
  });

  it('a shared email (a couple) is one user and one invitation', () => {
    const shared = 'family@example.com';
    const withAccount = run({
      records: [rec({ name: 'Ana', email: shared }), rec({ name: 'Ben', email: shared })],
      actual: new Map([[B1, [bu('u1', shared)]]]),
    });
    expect(ops(withAccount)).toEqual({ add: [], remove: [], invite: [], unchanged: 1 });
    const without = run({
      records: [rec({ name: 'Ana', email: shared }), rec({ name: 'Ben', email: shared })],
    });
    expect(building(without).needsInvite).toHaveLength(1);
  });

  it('co-tenants move out one at a time: only the one who left loses access', () => {
    const p = run({
      records: [
        rec({ name: 'Ana', leaseId: 'L1', status: 'past', moveOut: '2026-11-15' }),
        rec({ name: 'Ben', leaseId: 'L1', status: 'current' }),
      ],
      actual: new Map([[B1, [bu('u1', 'ana@example.com'), bu('u2', 'ben@example.com')]]]),
    });
    expect(ops(p)).toEqual({ add: [], remove: ['u1'], invite: [], unchanged: 1 });
    expect(building(p).remove[0]?.reason).toBe('moved out 2026-11-15');
  });

  it('current and future households share a unit during turnover', () => {
    const p = run({
      records: [
        rec({ name: 'Old', unit: '101', leaseId: 'L1', status: 'notice', moveOut: '2026-11-22' }),
        rec({ name: 'New', unit: '101', leaseId: 'L2', status: 'future', moveIn: '2026-11-22' }),
      ],
      actual: new Map([[B1, [bu('u1', 'old@example.com')]]]),
      directory: new Map([['new@example.com', ['u2']]]),
    });
    expect(ops(p)).toEqual({ add: ['u2'], remove: [], invite: [], unchanged: 1 });
  });

  it('someone who moved to another building is removed from the old one and added to the new', () => {
    const p = run({
      buildings: [B1, B2],
      records: [rec({ name: 'Ana', integrationId: B2, unit: '7' })],
      actual: new Map([
        [B1, [bu('u1', 'ana@example.com')]],
        [B2, []],
      ]),
      directory: new Map([['ana@example.com', ['u1']]]),
    });
    expect(ops(p, B1).remove).toEqual(['u1']);
    expect(building(p, B1).remove[0]?.reason).toMatch(/only at another building \(unit 7\)/);
    expect(ops(p, B2).add).toEqual(['u1']);
  });
});

describe('planner: what the feed may touch', () => {
  const stranger = bu('u5', 'stranger@example.com');
  const staff = bu('u6', 'frank@example.com', B1, 'virtual_access:integration:INT-MAPLE:staff');

  it('never touches other roles (staff), whatever the PMS says', () => {
    const p = run({
      records: [rec({ name: 'Ana' })],
      actual: new Map([[B1, [staff, bu('u1', 'ana@example.com')]]]),
    });
    expect(ops(p)).toEqual({ add: [], remove: [], invite: [], unchanged: 1 });
  });

  it('leaves users the PMS does not mention alone unless adopt_existing is on', () => {
    const off = run({
      records: [rec({ name: 'Ana' })],
      actual: new Map([[B1, [stranger, bu('u1', 'ana@example.com')]]]),
    });
    expect(ops(off).remove).toEqual([]);
    expect(building(off).unmanaged.map((u) => u.userId)).toEqual(['u5']);
    const on = run({
      records: [rec({ name: 'Ana' })],
      actual: new Map([[B1, [stranger, bu('u1', 'ana@example.com')]]]),
      policy: { ...policy, adoptExisting: true },
    });
    expect(ops(on).remove).toEqual(['u5']);
    expect(building(on).remove[0]?.reason).toBe('not in the PMS export');
  });

  it.each([
    ['by user id', { protectedUserIds: ['u1'] }],
    ['by email, case-insensitively', { protectedEmails: ['ANA@example.com'] }],
  ])('never removes a protected user (%s)', (_label, extra) => {
    const p = run({
      records: [rec({ name: 'Ana', status: 'past', moveOut: '2026-01-01' })],
      actual: new Map([[B1, [bu('u1', 'ana@example.com')]]]),
      policy: { ...policy, ...extra },
    });
    expect(ops(p).remove).toEqual([]);
    expect(building(p).kept).toEqual([
      expect.objectContaining({ userId: 'u1', reason: 'on the protected list' }),
    ]);
  });

  it('never removes the person a rejected row describes', () => {
    const rejected: RejectedRow[] = [
      { line: 42, errors: ['move_out: not a date'], identifies: { email: 'ana@example.com' } },
    ];
    const p = run({
      records: [rec({ name: 'Ben' })],
      rejected,
      actual: new Map([[B1, [bu('u1', 'ana@example.com'), bu('u2', 'ben@example.com')]]]),
      policy: { ...policy, adoptExisting: true },
    });
    expect(ops(p).remove).toEqual([]);
    expect(building(p).kept[0]?.reason).toMatch(/line 42\) was rejected/);
  });

  it('removes nobody when the source was not read to the end, but still adds', () => {
    const p = run({
      records: [rec({ name: 'Ana' })],
      actual: new Map([[B1, [bu('u1', 'ana@example.com', B1, 'other'), bu('u5', 'stranger@example.com')]]]),
      directory: new Map([['ana@example.com', ['u1']]]),
      sourceComplete: false,
      sourceProblem: 'line 812: a quoted cell is never closed',
      policy: { ...policy, adoptExisting: true },
    });
    expect(ops(p)).toMatchObject({ add: ['u1'], remove: [] });
    expect(p.sourceComplete).toBe(false);
    expect(building(p).held).toBe(true);
    expect(building(p).holdReasons[0]).toMatch(
      /not read to the end \(line 812: a quoted cell is never closed\)/,
    );
  });
});

describe('planner: safety guards', () => {
  const managedUsers = (n: number) => Array.from({ length: n }, (_, i) => bu(`u${i}`, `r${i}@example.com`));
  const listed = (n: number, status: 'current' | 'past') =>
    Array.from({ length: n }, (_, i) =>
      rec({
        name: `R${i}`,
        email: `r${i}@example.com`,
        status,
        ...(status === 'past' ? { moveOut: '2026-11-01' } : {}),
      }),
    );

  it('holds a building whose removals exceed the count limit', () => {
    const p = run({
      records: [
        ...listed(12, 'past'),
        ...listed(0, 'current'),
        ...Array.from({ length: 30 }, (_, i) => rec({ name: `K${i}` })),
      ],
      actual: new Map([[B1, managedUsers(12)]]),
    });
    const b = building(p);
    expect(b.held).toBe(true);
    expect(b.holdReasons).toContain('12 removals exceed the limit of 10');
    expect(b.remove).toHaveLength(12); // shown to the operator, applied only on approval
  });

  it('holds a building that would lose more than the percentage limit', () => {
    const records = [...listed(4, 'past'), rec({ name: 'Keep', email: 'r4@example.com' })];
    const p = run({ records, actual: new Map([[B1, managedUsers(5)]]) });
    expect(building(p).holdReasons).toEqual([
      '4 of 5 residents (80%) would be removed, above the limit of 50%',
    ]);
  });

  it('does not hold a single removal in a small building', () => {
    const p = run({
      records: [...listed(1, 'past'), rec({ name: 'Keep', email: 'r1@example.com' })],
      actual: new Map([[B1, managedUsers(2)]]),
    });
    expect(building(p)).toMatchObject({ held: false, holdReasons: [] });
    expect(ops(p).remove).toEqual(['u0']);
  });

  it('holds a building the source says nothing about (an empty or truncated export)', () => {
    const p = run({
      records: [],
      actual: new Map([[B1, managedUsers(3)]]),
      policy: { ...policy, adoptExisting: true },
    });
    expect(building(p).held).toBe(true);
    expect(building(p).holdReasons[0]).toBe(
      'the source has no rows for this building, which has 3 managed users',
    );
  });

  it('holds when too many rows were rejected', () => {
    const rejected: RejectedRow[] = Array.from({ length: 3 }, (_, i) => ({ line: 100 + i, errors: ['bad'] }));
    const p = run({
      records: [...listed(1, 'past'), ...Array.from({ length: 9 }, (_, i) => rec({ name: `K${i}` }))],
      rejected,
      actual: new Map([[B1, managedUsers(2)]]),
    });
    expect(building(p).holdReasons).toEqual(['3 of 13 rows (23%) were rejected, above the limit of 10%']);
  });

  it('an empty source is held even when nothing would be removed (adopt_existing off)', () => {
    const p = run({ records: [], actual: new Map([[B1, managedUsers(3)]]) });
    expect(building(p)).toMatchObject({ held: true, remove: [] });
  });

  it('removal guards do not hold a building with nothing to remove', () => {
    const rejected: RejectedRow[] = Array.from({ length: 5 }, (_, i) => ({ line: 100 + i, errors: ['bad'] }));
    const p = run({ records: [rec({ name: 'Ana' })], rejected, actual: new Map([[B1, managedUsers(1)]]) });
    expect(building(p)).toMatchObject({ held: false, holdReasons: [] });
  });
});

describe('emailsToLookUp', () => {
  it('asks only for residents who should have access, have no user id, and are not in their building', () => {
    const records = [
      rec({ name: 'Ana' }), // in building
      rec({ name: 'Ben' }), // not in building -> look up
      rec({ name: 'Cat', openappUserId: 'u3' }), // has an id
      rec({ name: 'Dan', status: 'past', moveOut: '2026-01-01' }), // no access
      rec({ name: 'Eve', email: null as unknown as undefined, phone: '+13125550100' }), // no email
    ];
    const actual = new Map([[B1, [bu('u1', 'ana@example.com')]]]);
    expect(emailsToLookUp(records, actual, policy.access, NOW)).toEqual(['ben@example.com']);
  });
});

describe('assessRecords: verdicts judged once, reused only when they fit', () => {
  const moving = [
    rec({ name: 'Fay', status: 'future', moveIn: '2026-11-23', openappUserId: 'u-fay' }), // in tomorrow
    rec({ name: 'Gil', status: 'notice', moveOut: '2026-11-22', openappUserId: 'u-gil' }), // out tonight
  ];
  const actual = new Map([[B1, [bu('u-gil', 'gil@example.com')]]]);
  const TOMORROW = NOW + 86_400_000;

  it('gives the same plan and lookups as judging afresh', () => {
    const assessment = assessRecords(moving, policy.access, NOW);
    expect(run({ records: moving, actual, assessment })).toEqual(run({ records: moving, actual }));
    expect(emailsToLookUp(moving, actual, policy.access, NOW, assessment)).toEqual(
      emailsToLookUp(moving, actual, policy.access, NOW),
    );
  });

  it.each([
    ['another instant', () => assessRecords(moving, policy.access, NOW)],
    ['other records', () => assessRecords([...moving], policy.access, TOMORROW)],
    ['other access rules', () => assessRecords(moving, { ...policy.access }, TOMORROW)],
  ])('is ignored when made for %s', (_what, made) => {
    const atTomorrow = run({ records: moving, actual, now: TOMORROW });
    expect(ops(atTomorrow)).toEqual({ add: ['u-fay'], remove: ['u-gil'], invite: [], unchanged: 0 });
    expect(run({ records: moving, actual, now: TOMORROW, assessment: made() })).toEqual(atTomorrow);
  });
});

describe('buildingMatches: email matches made while the export was read', () => {
  const records = [rec({ name: 'Ana' }), rec({ name: 'Ben' })];
  const actual = new Map([[B1, [bu('u-ana', 'ana@example.com'), bu('u-ben', 'ben@example.com')]]]);
  // Says Ana has no account in the building (the index says u-ana): shows which one was used.
  const matches = [undefined, 'u-ben'];

  it('stand for the lookup against the building when made with this assessment and these users', () => {
    const assessment = assessRecords(records, policy.access, NOW);
    const p = run({ records, actual, assessment, buildingMatches: { assessment, actual, userIds: matches } });
    expect(ops(p)).toEqual({ add: [], remove: [], invite: ['ana@example.com'], unchanged: 1 });
    expect(ops(run({ records, actual }))).toEqual({ add: [], remove: [], invite: [], unchanged: 2 });
  });

  it.each([
    [
      'another map of users',
      (a: ReturnType<typeof assessRecords>) => ({ assessment: a, actual: new Map(actual) }),
    ],
    ['another assessment', () => ({ assessment: assessRecords(records, policy.access, NOW), actual })],
  ])('are ignored when made with %s', (_what, made) => {
    const assessment = assessRecords(records, policy.access, NOW);
    const p = run({
      records,
      actual,
      assessment,
      buildingMatches: { ...made(assessment), userIds: matches },
    });
    expect(p).toEqual(run({ records, actual }));
  });
});
