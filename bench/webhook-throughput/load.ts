/**
 * The parent's half of the throughput measurement: a server side in a child process
 * (serve-side.ts), and autocannon firing signed deliveries at it from this process's main thread.
 * Nothing else runs here while autocannon does, so autocannon has this process to itself and the
 * server has its own; on a 2-core machine they (and Redis) share the two cores.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { Redis } from 'ioredis';
import { MOVE_OUT_BODY, WEBHOOK_PATH, deliveryIds, signedHeaders } from './signing.js';
import {
  childMessageSchema,
  type ChildMessage,
  type ParentMessage,
  type SideInput,
  type SideReport,
} from './side-protocol.js';

const SIDE_SCRIPT = fileURLToPath(new URL('./serve-side.ts', import.meta.url));
const CHILD_TIMEOUT_MS = 30_000;

/** A server side running in its own process. */
export class ServerChild {
  private readonly inbox: ChildMessage[] = [];
  private waiter: (() => void) | undefined;
  private exit: Error | undefined;
  /** Where the side listens on 127.0.0.1, once it said so. */
  port = 0;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (raw: unknown) => {
      this.inbox.push(childMessageSchema.parse(raw));
      this.wake();
    });
    child.on('exit', (code, signal) => {
      this.exit = new Error(`serve-side.ts exited (code ${String(code)}, signal ${String(signal)})`);
      this.wake();
    });
    child.on('error', (err) => {
      this.exit = err;
      this.wake();
    });
  }

  /** Starts the side and waits until it listens. Its stdout (the server's log) goes to /dev/null. */
  static async start(input: SideInput, nodeFlags: readonly string[] = []): Promise<ServerChild> {
    const side = new ServerChild(
      spawn(process.execPath, [...nodeFlags, '--import', 'tsx', SIDE_SCRIPT], {
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      }),
    );
    try {
      side.send({ type: 'start', input });
      side.port = (await side.next('ready')).port;
      return side;
    } catch (err) {
      side.kill();
      throw err;
    }
  }

  /** Starts the measured window (the child's CPU time and webhook counters from now on). */
  async mark(): Promise<void> {
    this.send({ type: 'mark' });
    await this.next('marked');
  }

  /** Ends the measured window; the child closes its server and exits. */
  async stop(): Promise<SideReport> {
    this.send({ type: 'stop' });
    const { report } = await this.next('report');
    await this.exited();
    return report;
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private send(message: ParentMessage): void {
    this.child.send(message);
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  private async next<T extends ChildMessage['type']>(type: T): Promise<Extract<ChildMessage, { type: T }>> {
    const deadline = Date.now() + CHILD_TIMEOUT_MS;
    for (;;) {
      const message = this.inbox.shift();
      if (message !== undefined) {
        if (message.type !== type)
          throw new Error(`serve-side.ts said "${message.type}", expected "${type}"`);
        return message as Extract<ChildMessage, { type: T }>;
      }
      if (this.exit) throw this.exit;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`serve-side.ts did not say "${type}" within ${CHILD_TIMEOUT_MS} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private async exited(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.kill();
        resolve();
      }, CHILD_TIMEOUT_MS);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

export interface LoadSettings {
  connections: number;
  durationSeconds: number;
}

export interface LoadResult {
  result: autocannon.Result;
  /** CPU time autocannon's process (this one) spent during the load, ms. */
  cpuMs: number;
}

/**
 * autocannon on `port`, in this process's main thread (workers: 0, its default): every request a
 * POST of the move-out event, signed by `setupRequest` under a fresh webhook-id and timestamp.
 */
export async function fire(port: number, settings: LoadSettings): Promise<LoadResult> {
  const nextId = deliveryIds();
  const cpu = process.cpuUsage();
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: settings.connections,
    duration: settings.durationSeconds,
    pipelining: 1,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: WEBHOOK_PATH,
        setupRequest: (request) => ({
          ...request,
          headers: signedHeaders(nextId(), MOVE_OUT_BODY),
          body: MOVE_OUT_BODY,
        }),
      },
    ],
  });
  const used = process.cpuUsage(cpu);
  return { result, cpuMs: (used.user + used.system) / 1000 };
}

/** Redis's own CPU time so far (INFO cpu), ms: the third process sharing the cores. */
export async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? Number.NaN);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1000;
}
