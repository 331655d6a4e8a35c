/**
 * `pms-sync trigger` and `pms-sync runs` as an operator runs them, against a worker and the real Redis.
 */
import { runCli } from '../helpers/cli.js';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { MAPLE_COURT, testSimulator } from '../helpers/simulator.js';
import {
  childEnv,
  deletePrefix,
  inProcessWorker,
  removeDir,
  uniquePrefix,
  writeFeed,
} from '../helpers/worker.js';

const cleanup = cleanupAfterEach();

const run = runCli;

async function setup(feedOptions: Parameters<typeof writeFeed>[0] = {}) {
  const prefix = uniquePrefix();
  const sim = await testSimulator();
  const files = await writeFeed(feedOptions);
  const worker = await inProcessWorker(sim, files.feedsFile, prefix);
  cleanup.push(
    () => sim.close(),
    () => removeDir(files.dir),
    () => deletePrefix(prefix),
    () => worker.close(),
  );
  return { sim, env: childEnv(sim, files.feedsFile, prefix) };
}

describe('pms-sync trigger and runs', () => {
  it('triggers a run, waits for it, and shows it in the list and in detail', async () => {
    const { env } = await setup();
    const triggered = await run(['trigger', '--feed', 'demo', '--wait', '--actor', 'alice'], env);
    expect(triggered.stderr).toBe('');
    expect(triggered.code).toBe(0);
    const runId = /Queued run (\S+)/.exec(triggered.stdout)?.[1] as string;
    expect(triggered.stdout).toContain(`Run ${runId} (demo): applied`);

    const list = await run(['runs', 'list'], env);
    expect(list.stdout).toMatch(new RegExp(`${runId} .* demo +manual +applied +alice`));
    const shown = JSON.parse((await run(['runs', 'show', runId, '--json'], env)).stdout) as {
      status: string;
      plan: { integrations: { integration_id: string; remove: { email: string }[] }[] };
    };
    expect(shown.status).toBe('applied');
    expect(shown.plan.integrations.find((i) => i.integration_id === MAPLE_COURT)?.remove[0]?.email).toBe(
      'eve.martin@example.com',
    );
  });

  it('exits 3 for a held run, applies it on approve, and refuses to approve it twice', async () => {
    const { sim, env } = await setup({
      mappingEdit: (m) => m.replace('max_removals: 10', 'max_removals: 0'),
    });
    const triggered = await run(['trigger', '--feed', 'demo', '--wait'], env);
    expect(triggered.code).toBe(3);
    const runId = /Queued run (\S+)/.exec(triggered.stdout)?.[1] as string;
    const shown = await run(['runs', 'show', runId], env);
    expect(shown.stdout).toContain('HELD: 1 removals exceed the limit of 0');

    const approved = await run(['runs', 'approve', runId, '--actor', 'ops'], env);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toContain(`Run ${runId} (demo): applied`);
    expect(sim.requests.since().filter((r) => r.method === 'DELETE')).toHaveLength(1);
    const again = await run(['runs', 'approve', runId], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/is applied, not held/);
  });

  it('rejects a held run: its removals never happen', async () => {
    const { sim, env } = await setup({
      mappingEdit: (m) => m.replace('max_removals: 10', 'max_removals: 0'),
    });
    const runId = /Queued run (\S+)/.exec(
      (await run(['trigger', '--feed', 'demo', '--wait'], env)).stdout,
    )?.[1] as string;
    const rejected = await run(['runs', 'reject', runId], env);
    expect(rejected.code).toBe(0);
    expect(rejected.stdout).toMatch(/Rejected run .*: rejected/);
    expect(sim.requests.since().filter((r) => r.method === 'DELETE')).toHaveLength(0);
  });

  it.each([
    [['trigger', '--feed', 'nope'], /no feed named "nope"/],
    [['trigger', '--feed', 'demo', '--building', 'NOT-A-BUILDING'], /does not cover building NOT-A-BUILDING/],
    [['runs', 'show', 'NO-SUCH-RUN'], /no run NO-SUCH-RUN/],
  ])('exits 2 for %j', async (args, message) => {
    const { env } = await setup();
    const r = await run(args, env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
