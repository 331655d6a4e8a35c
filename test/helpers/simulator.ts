/**
 * Starts a real simulator on 127.0.0.1:0 for a test and builds clients pointed at it.
 * Every test gets its own server, so tests never see each other's state.
 */
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import type { ApiGeneration } from '../../src/openapp/api-generation.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { OpenAppClient, type OpenAppClientOptions } from '../../src/openapp/openapp-client.js';
import { parseSnapshot, type Snapshot } from '../../src/simulator/sim-snapshot.js';
import {
  startSimulator,
  type RunningSimulator,
  type SimulatorOptions,
} from '../../src/simulator/simulator-server.js';

export const SEED_FILE = new URL('../../examples/openapp-seed.json', import.meta.url).pathname;

/** The example seed, parsed afresh (callers may modify their copy). */
export function exampleSeed(): Snapshot {
  return parseSnapshot(JSON.parse(readFileSync(SEED_FILE, 'utf8')), SEED_FILE);
}

export const ORG_ID = '01JHMXBCG0MXAGCV3XK95ZJ3N0';
export const MAPLE_COURT = '01JHMXBDF8Y1BPPS5GDYJVYF4E';
export const BIRCH_TOWER = '01JHMXBEEGMNFDYXGRFHE5X3F8';
export const SECRET = 'demo-secret-maple-0001';
export const residentRole = (integrationId: string) => `virtual_access:integration:${integrationId}:resident`;

/** Emails of the users holding the resident role of a building in the simulator now, sorted. */
export function residentEmails(sim: RunningSimulator, integrationId: string): (string | undefined)[] {
  const state = sim.store().toSnapshot();
  return state.building_users
    .filter((b) => b.integration_id === integrationId && b.role === residentRole(integrationId))
    .map((b) => state.users.find((u) => u.id === b.user_id)?.email)
    .sort();
}

export async function testSimulator(
  options: Partial<SimulatorOptions> & { generation?: ApiGeneration } = {},
): Promise<RunningSimulator & { key: string }> {
  const sim = await startSimulator({ seed: options.seed ?? exampleSeed(), generation: '2026', ...options });
  return { ...sim, key: `${sim.origin}_openapp_${SECRET}` };
}

export function clientFor(
  sim: RunningSimulator & { key: string },
  overrides: Partial<OpenAppClientOptions> = {},
): OpenAppClient {
  return new OpenAppClient({
    baseUrl: sim.apiRoot,
    apiKey: sim.key,
    orgId: ORG_ID,
    generation: sim.generation,
    retryBaseMs: 10,
    retryCapMs: 50,
    random: () => 0.5,
    ...overrides,
  });
}

/** A logger whose every output line is kept in memory, at the most verbose level. */
/** A simulator and a client of it, both closed by `cleanup` after the test. */
export async function simulatorWithClient(
  cleanup: (() => Promise<unknown>)[],
  options: Parameters<typeof testSimulator>[0] = {},
  clientOptions: Partial<OpenAppClientOptions> = {},
) {
  const sim = await testSimulator(options);
  const client = clientFor(sim, clientOptions);
  cleanup.push(
    () => sim.close(),
    () => client.close(),
  );
  return { sim, client };
}

export function capturingLogger(secrets: string[] = []): { logger: Logger; text: () => string } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return {
    logger: createLogger({ level: 'trace', format: 'json', secrets, destination }),
    text: () => lines.join(''),
  };
}

/** Plain HTTP against a simulator, for tests of the server itself. */
export async function simFetch(
  sim: RunningSimulator,
  path: string,
  init: RequestInit & { json?: unknown } = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const { json, ...rest } = init;
  const res = await fetch(`${sim.origin}${path}`, {
    ...rest,
    ...(json !== undefined
      ? {
          body: JSON.stringify(json),
          headers: { 'content-type': 'application/json', ...(rest.headers ?? {}) },
        }
      : {}),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body, headers: res.headers };
}
