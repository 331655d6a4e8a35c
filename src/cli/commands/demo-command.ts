/**
 * `pms-sync demo` (npm run demo): a whole sync on this machine with nothing but Node. It starts
 * the OpenApp simulator in-process from examples/openapp-seed.json, plans the sample export
 * examples/exports/generic-residents.csv with mappings/generic.yaml, applies the plan over HTTP
 * with the real client, and shows OpenApp before and after.
 */
import type { Command } from 'commander';
import { createLogger } from '../../logger.js';
import { OpenAppClient } from '../../openapp/openapp-client.js';
import { loadSnapshotFile } from '../../simulator/sim-snapshot.js';
import { startSimulator, type RunningSimulator } from '../../simulator/simulator-server.js';
import { applyPlan } from '../../sync/apply-plan.js';
import { packagePath } from '../package-path.js';
import { planFromFiles } from '../plan-from-files.js';
import { renderApplyReport, renderPlan } from '../render-plan.js';

const out = (line = '') => process.stdout.write(`${line}\n`);

function residents(sim: RunningSimulator, names: Map<string, string>): string[] {
  const state = sim.store().toSnapshot();
  return [...names].map(([id, name]) => {
    const people = state.building_users
      .filter((b) => b.integration_id === id && b.role.endsWith(':resident'))
      .map((b) => state.users.find((u) => u.id === b.user_id)?.name ?? b.user_id)
      .sort();
    return `  ${name}: ${people.join(', ') || '(nobody)'}`;
  });
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('sync the sample export into an in-process OpenApp simulator and show what changed')
    .option('--mapping <file>', 'mapping file', packagePath('mappings/generic.yaml'))
    .option('--csv <file>', 'export to sync', packagePath('examples/exports/generic-residents.csv'))
    .action(async (flags: { mapping: string; csv: string }) => {
      const seed = await loadSnapshotFile(packagePath('examples/openapp-seed.json'));
      const sim = await startSimulator({ seed, generation: '2026' });
      const secret = seed.api_keys[0]?.secret as string;
      const apiKey = `${sim.origin}_openapp_${secret}`;
      const logger = createLogger({ level: 'warn', destination: process.stderr, secrets: [apiKey, secret] });
      const client = new OpenAppClient({
        baseUrl: sim.apiRoot,
        apiKey,
        orgId: seed.orgs[0]?.id as string,
        generation: '2026',
        logger,
      });
      try {
        out(`OpenApp simulator on ${sim.apiRoot}, seeded from examples/openapp-seed.json`);
        const { plan, names } = await planFromFiles({
          mappingFile: flags.mapping,
          csvFile: flags.csv,
          client,
          now: Date.now(),
          logger,
        });
        out('Residents in OpenApp before:');
        for (const line of residents(sim, names)) out(line);
        out();
        out(renderPlan(plan, names));
        out();

        const before = sim.requests.since().length;
        const report = await applyPlan(plan, client);
        out(renderApplyReport(report));
        const calls = sim.requests.since().slice(before);
        out(
          `OpenApp calls while applying: ${calls.length} (${calls.map((c) => `${c.method} ${c.status}`).join(', ') || 'none'})`,
        );
        out();
        out('Residents in OpenApp after:');
        for (const line of residents(sim, names)) out(line);
        out();
        out(
          'Next: `pms-sync plan --mapping mappings/generic.yaml --csv examples/exports/generic-residents.csv`',
        );
        out('against `pms-sync simulator` (see README), or your own OpenApp org.');
      } finally {
        await client.close();
        await sim.close();
      }
    });
}
