/**
 * No Docker engine runs here, so docker-compose.yml is kept correct by reading it: every service
 * that runs pms-sync must name a real command with real options, and the stores must be set up
 * the way the worker relies on.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program.js';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  profiles?: string[];
  healthcheck?: { test: string[] };
  ports?: string[];
}
const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8')) as {
  services: Record<string, Service>;
};

function findCommand(program: Command, args: string[]): { command: Command; rest: string[] } {
  let command = program;
  let rest = args;
  for (;;) {
    const next = command.commands.find((c) => c.name() === rest[0]);
    if (!next) return { command, rest };
    command = next;
    rest = rest.slice(1);
  }
}

describe('docker-compose.yml', () => {
  it('has redis with AOF every second and no eviction, and postgres, both health-checked', () => {
    const { redis, postgres } = compose.services;
    expect(redis?.command).toEqual(
      expect.arrayContaining(['--appendonly', 'yes', '--appendfsync', 'everysec']),
    );
    expect(redis?.command?.join(' ')).toContain('--maxmemory-policy noeviction');
    expect(redis?.healthcheck?.test).toBeDefined();
    expect(postgres?.image).toMatch(/^postgres:/);
    expect(postgres?.healthcheck?.test).toBeDefined();
  });

  it('loads the demo PMS schema and seed into postgres on first start, and gives the worker its URL', () => {
    const postgres = compose.services.postgres as Service & { volumes?: string[] };
    const init = (postgres.volumes ?? []).filter((v) => v.includes('/docker-entrypoint-initdb.d/'));
    expect(init.map((v) => v.split(':')[1])).toEqual([
      '/docker-entrypoint-initdb.d/01-schema.sql',
      '/docker-entrypoint-initdb.d/02-seed.sql',
    ]);
    for (const volume of init) {
      const local = new URL(`../../${(volume.split(':')[0] ?? '').replace(/^\.\//, '')}`, import.meta.url);
      expect(existsSync(local), volume).toBe(true);
    }
    const worker = compose.services.worker as Service & {
      environment?: Record<string, string>;
      depends_on?: Record<string, { condition: string }>;
    };
    expect(worker.environment?.PMS_DATABASE_URL).toContain('@postgres:5432/pms');
    expect(worker.depends_on?.postgres?.condition).toBe('service_healthy');
  });

  it('runs the simulator only under the demo profile', () => {
    expect(compose.services.simulator?.profiles).toEqual(['demo']);
    expect(compose.services.simulator?.ports).toEqual(['4010:4010']);
  });

  it('runs the HTTP server on 8080, health-checked on /healthz, with an admin token required', () => {
    const server = compose.services.server as Service & { environment?: Record<string, string> };
    expect(server.command).toEqual(['server']);
    expect(server.ports).toEqual(['8080:8080']);
    expect(server.environment?.HTTP_HOST).toBe('0.0.0.0');
    expect(server.environment?.ADMIN_TOKEN).toMatch(/^\$\{ADMIN_TOKEN:\?/);
    expect(server.healthcheck?.test.join(' ')).toContain('/healthz');
  });

  it('runs the worker against redis once redis is healthy', () => {
    const worker = compose.services.worker as Service & {
      depends_on?: Record<string, { condition: string }>;
      environment?: Record<string, string>;
    };
    expect(worker.command).toEqual(['worker']);
    expect(worker.depends_on?.redis?.condition).toBe('service_healthy');
    expect(worker.environment?.REDIS_URL).toBe('redis://redis:6379');
    expect(worker.environment?.FEEDS_FILE).toContain('examples/feeds.yaml');
  });

  it.each(
    Object.entries(compose.services).filter(([, s]) => s.healthcheck?.test.includes('bin/pms-sync.js')),
  )('service %s health-checks with an existing pms-sync command', (_name, service) => {
    const test = service.healthcheck?.test ?? [];
    const args = test.slice(test.indexOf('bin/pms-sync.js') + 1);
    const { command, rest } = findCommand(buildProgram(), args);
    expect(command.name()).not.toBe('pms-sync');
    const known = new Set(command.options.flatMap((o) => [o.long, o.short].filter(Boolean)));
    expect(rest.filter((a) => a.startsWith('-') && !known.has(a))).toEqual([]);
  });

  const ours = Object.entries(compose.services).filter(([, s]) => s.build !== undefined);
  it.each(ours)('service %s runs an existing pms-sync command with known options', (_name, service) => {
    const program = buildProgram();
    const { command, rest } = findCommand(program, service.command ?? []);
    expect(command).not.toBe(program);
    const known = new Set(command.options.flatMap((o) => [o.long, o.short].filter(Boolean)));
    const flags = rest.filter((a) => a.startsWith('-'));
    expect(flags.filter((f) => !known.has(f))).toEqual([]);
  });
});
