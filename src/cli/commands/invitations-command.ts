/** `pms-sync invitations`: who was invited, whether they accepted, sends, expiry. */
import type { Command } from 'commander';
import { loadFeedsFile } from '../../feeds/load-feeds.js';
import { InvitationLedgerStore } from '../../queue/invitation-ledger-store.js';
import { openQueueClient } from '../../queue/queue-client.js';
import { invitationReport, type InvitationRow } from '../../sync/invitation-report.js';
import { commandContext, openAppClientFrom } from '../command-context.js';
import { UsageError } from '../usage-error.js';

const out = (line = '') => process.stdout.write(`${line}\n`);

export function registerInvitationsCommand(program: Command): void {
  program
    .command('invitations')
    .description('invitations sent for the feeds: resident, unit, status, sends, last sent, expiry')
    .option('--feed <name>', 'only this feed')
    .option('--building <integration>', 'only this building')
    .option('--status <status>', 'only this status: pending, accepted, expired, cancelled')
    .option('--json', 'print JSON')
    .action(async (flags: { feed?: string; building?: string; status?: string; json?: boolean }) => {
      const ctx = commandContext({ openapp: true, feeds: true });
      const feeds = await loadFeedsFile(ctx.config.feedsFile as string);
      if (flags.feed && !feeds.has(flags.feed)) throw new UsageError(`no feed named "${flags.feed}"`);
      const buildings = [...feeds.values()]
        .filter((f) => !flags.feed || f.config.name === flags.feed)
        .flatMap((f) => f.buildings);
      const client = openAppClientFrom(ctx);
      const queues = openQueueClient(ctx.config.redisUrl, ctx.config.prefix, ctx.logger);
      try {
        const rows = await invitationReport(
          client,
          new InvitationLedgerStore(queues.redis, ctx.config.prefix),
          buildings,
          {
            ...(flags.building ? { building: flags.building } : {}),
            ...(flags.status ? { status: flags.status } : {}),
          },
        );
        if (flags.json) out(JSON.stringify(rows, null, 2));
        else printRows(rows);
      } finally {
        await queues.close();
        await client.close();
      }
    });
}

function printRows(rows: InvitationRow[]): void {
  if (rows.length === 0) {
    out('(no invitations)');
    return;
  }
  for (const r of rows) {
    out(
      [
        (r.name ?? r.email ?? r.phone ?? '?').padEnd(24),
        `unit ${r.units.join(', ') || '?'}`.padEnd(14),
        r.status.padEnd(10),
        `${r.sent_count} send${r.sent_count === 1 ? '' : 's'}`.padEnd(8),
        `last ${r.last_sent_at ?? '-'}`,
        `expires ${r.expires_at}`,
      ].join('  '),
    );
  }
}
