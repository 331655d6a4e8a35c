/**
 * `pms-sync demo` (npm run demo): the OpenApp side of a sync, end to end on this machine. It
 * starts the simulator in-process from the example seed and drives it through the real client
 * over HTTP: read the buildings, grant a resident, revoke a former tenant, invite a newcomer.
 * Needs nothing but Node.
 */
import type { Command } from 'commander';
import { createLogger } from '../../logger.js';
import { OpenAppClient } from '../../openapp/openapp-client.js';
import { loadSnapshotFile } from '../../simulator/sim-snapshot.js';
import { startSimulator } from '../../simulator/simulator-server.js';
import { packagePath } from '../package-path.js';

const out = (line = '') => process.stdout.write(`${line}\n`);

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'run the OpenApp client against an in-process simulator seeded with examples/openapp-seed.json',
    )
    .action(async () => {
      const seed = await loadSnapshotFile(packagePath('examples/openapp-seed.json'));
      const sim = await startSimulator({ seed, generation: '2026' });
      const org = seed.orgs[0]?.id as string;
      const secret = seed.api_keys[0]?.secret as string;
      const logger = createLogger({ level: 'warn', destination: process.stderr, secrets: [secret] });
      const client = new OpenAppClient({
        baseUrl: sim.apiRoot,
        apiKey: `${sim.origin}_openapp_${secret}`,
        orgId: org,
        generation: '2026',
        logger,
      });
      try {
        out(`Simulator on ${sim.apiRoot} (org ${org})`);
        const buildings = await client.listIntegrations({ providerType: 'virtual_access' });
        for (const b of buildings) {
          const users = await client.listBuildingUsers(b.id);
          out(`\n${b.name} (${b.id}): ${users.length} users`);
          for (const u of users) out(`  ${u.role.split(':').pop()?.padEnd(9)} ${u.name} <${u.email}>`);
        }

        const maple = await client.resolveIntegrationByName('patio maple');
        const residentRole = `virtual_access:integration:${maple.id}:resident`;
        out(`\nResolved "patio maple" (Spanish name) to ${maple.name} ${maple.id}`);

        const [gina] = await client.findUsersByEmail('  Gina.Liu@Example.com ');
        if (gina) {
          await client.addBuildingUser(maple.id, { userId: gina.id, role: residentRole });
          out(`+ granted ${gina.name} (found by email) the resident role`);
        }
        const eve = (await client.listBuildingUsers(maple.id)).find(
          (u) => u.email === 'eve.martin@example.com',
        );
        if (eve) out(`- removed ${eve.name}: ${await client.removeBuildingUser(maple.id, eve.userId)}`);
        if (eve)
          out(`- removed again (safe to repeat): ${await client.removeBuildingUser(maple.id, eve.userId)}`);

        const { invitation } = await client.createInvitation({
          email: 'hana.new-tenant@example.com',
          siteAccess: { integrationId: maple.id, role: residentRole },
        });
        out(`> invited hana.new-tenant@example.com: ${invitation.status}, expires ${invitation.expiresAt}`);

        const after = await client.listBuildingUsers(maple.id);
        out(`\n${maple.name} now: ${after.map((u) => u.name).join(', ')}`);
        const calls = sim.requests.since();
        const mutations = calls.filter((c) => c.method !== 'GET');
        out(
          `OpenApp calls: ${calls.length} (${mutations.length} changes: ${mutations.map((m) => `${m.method} ${m.status}`).join(', ')})`,
        );
      } finally {
        await client.close();
        await sim.close();
      }
    });
}
