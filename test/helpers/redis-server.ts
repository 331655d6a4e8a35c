/**
 * A redis-server of the test's own, on a free port, that the test can crash and start again: the
 * machine's shared Redis must never be restarted under other tests. It keeps its data the way
 * docker-compose's Redis does (AOF, fsync every second, no eviction), in a temporary directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';

export interface OwnRedis {
  url: string;
  /** SIGKILL: a crash, not a shutdown (nothing is flushed beyond what the AOF already has). */
  crash(): Promise<void>;
  /** Starts it again on the same port and directory, and waits until it answers. */
  start(): Promise<void>;
  /** Stops it for good and removes its files. */
  remove(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}

async function answers(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pms-sync-redis-'));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  // `--save ''`: the AOF alone keeps the data, as in production; no RDB snapshot that could hide a gap.
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'yes',
  ];
  args.push('--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction', '--logfile', 'redis.log');
  let child: ChildProcess | undefined;

  const start = async () => {
    child = spawn('redis-server', args, { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (!(await answers(url))) {
      if (Date.now() > deadline)
        throw new Error(`redis-server did not start on ${url} (see ${dir}/redis.log)`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const crash = async () => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    url,
    crash,
    start,
    remove: async () => {
      await crash();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
