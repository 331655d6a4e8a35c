/**
 * `pms-sync openapp ...`: read-only looks at OpenApp with the configured credentials, to check a
 * deployment's key, org and integration ids before the first sync.
 */
import type { Command } from 'commander';
import { commandContext, openAppClientFrom } from '../command-context.js';

function print(json: boolean, value: unknown, table: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${table()}\n`);
}

export function registerOpenAppCommand(program: Command): void {
  const group = program
    .command('openapp')
    .description('look at OpenApp with the configured credentials (read-only)');

  group
    .command('integrations')
    .description('list the integrations of the org')
    .option('--provider <type>', 'only this provider type, e.g. virtual_access')
    .option('--json', 'print JSON')
    .action(async (flags: { provider?: string; json?: boolean }) => {
      const client = openAppClientFrom(commandContext({ openapp: true }));
      try {
        const items = await client.listIntegrations(flags.provider ? { providerType: flags.provider } : {});
        print(
          !!flags.json,
          items,
          () =>
            items.map((i) => `${i.id}  ${i.providerType.padEnd(16)} ${i.name ?? ''}`).join('\n') || '(none)',
        );
      } finally {
        await client.close();
      }
    });

  group
    .command('building-users <integration>')
    .description('list the users holding a role on an integration (id, or name in any locale)')
    .option('--json', 'print JSON')
    .action(async (integration: string, flags: { json?: boolean }) => {
      const client = openAppClientFrom(commandContext({ openapp: true }));
      try {
        const id = /^[0-9A-HJKMNP-TV-Z]{26}$/i.test(integration)
          ? integration
          : (await client.resolveIntegrationByName(integration)).id;
        const users = await client.listBuildingUsers(id);
        print(
          !!flags.json,
          users,
          () =>
            users
              .map((u) => `${u.userId}  ${u.role.split(':').pop()?.padEnd(10)} ${u.name ?? ''}`)
              .join('\n') || '(none)',
        );
      } finally {
        await client.close();
      }
    });
}
