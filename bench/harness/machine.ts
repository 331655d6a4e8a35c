/** The machine a benchmark ran on, described well enough to compare two BENCHMARKS.md files. */
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface Machine {
  cpu: string;
  /** Logical CPUs this process may use. */
  cores: number;
  ramGiB: number;
  node: string;
  os: string;
  /** 1-minute load average when the run started: other work on the machine skews every figure. */
  loadAverage: number;
}

function distribution(): string | undefined {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text);
    return m?.[1];
  } catch {
    return undefined;
  }
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  const models = [...new Set(cpus.map((c) => c.model.trim()))];
  const kernel = `${os.type()} ${os.release()} ${os.arch()}`;
  const distro = distribution();
  return {
    cpu: models.join(' + ') || 'unknown',
    cores: os.availableParallelism(),
    ramGiB: os.totalmem() / 1024 ** 3,
    node: process.version,
    os: distro ? `${distro} (${kernel})` : kernel,
    loadAverage: os.loadavg()[0] ?? 0,
  };
}
