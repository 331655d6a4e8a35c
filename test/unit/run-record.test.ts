import { describe, expect, it } from 'vitest';
import { overallStatus, type BuildingRunStatus, type RunRecord } from '../../src/queue/run-record.js';

function run(dryRun: boolean, statuses: BuildingRunStatus[], error?: string): RunRecord {
  return {
    id: 'r',
    feed: 'demo',
    building: null,
    trigger: 'manual',
    actor: 'test',
    dryRun,
    status: 'running',
    createdAt: '2026-11-22T00:00:00Z',
    ...(error ? { error } : {}),
    buildings: Object.fromEntries(
      statuses.map((status, i) => [
        `b${i}`,
        { integrationId: `b${i}`, status, updatedAt: '2026-11-22T00:00:00Z' },
      ]),
    ),
  };
}

describe('overallStatus', () => {
  it.each([
    { name: 'no buildings, no error', dryRun: false, statuses: [], expected: 'applied' },
    { name: 'no buildings, a dry run', dryRun: true, statuses: [], expected: 'planned' },
    { name: 'every building applied', dryRun: false, statuses: ['applied', 'applied'], expected: 'applied' },
    {
      name: 'a dry run, every building planned',
      dryRun: true,
      statuses: ['planned', 'planned'],
      expected: 'planned',
    },
    { name: 'one failed of two', dryRun: false, statuses: ['applied', 'failed'], expected: 'partial' },
    { name: 'all failed', dryRun: false, statuses: ['failed', 'failed'], expected: 'failed' },
    { name: 'one held', dryRun: false, statuses: ['applied', 'held'], expected: 'held' },
    { name: 'one still applying', dryRun: false, statuses: ['applied', 'applying'], expected: 'running' },
    { name: 'a held part rejected', dryRun: false, statuses: ['applied', 'rejected'], expected: 'rejected' },
    // A dry run applied on confirmation where one building was refused (OpenApp changed since).
    {
      name: 'applied next to a building left at its plan',
      dryRun: false,
      statuses: ['applied', 'planned'],
      expected: 'partial',
    },
  ] satisfies { name: string; dryRun: boolean; statuses: BuildingRunStatus[]; expected: string }[])(
    '$name -> $expected',
    ({ dryRun, statuses, expected }) => {
      expect(overallStatus(run(dryRun, statuses))).toBe(expected);
    },
  );

  it('a run with no buildings that failed to start is failed', () => {
    expect(overallStatus(run(false, [], 'the source cannot be read'))).toBe('failed');
  });
});
