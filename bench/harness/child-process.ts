/**
 * Runs one measured side of a benchmark in a fresh Node process, so its peak RSS is its own: no
 * simulator, no other side, no earlier run in the same heap. The child gets its input as JSON on
 * stdin (never on the command line: it may hold an API key) and prints its report as one JSON
 * line, the last line of its stdout; its stderr goes to the terminal.
 */
import { spawn } from 'node:child_process';
import { text } from 'node:stream/consumers';
import type { z } from 'zod';

export async function runMeasuredChild<T>(
  script: string,
  input: unknown,
  reportSchema: z.ZodType<T>,
  nodeFlags: readonly string[] = [],
): Promise<T> {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', script], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  child.stdin.end(JSON.stringify(input));
  const stdout = await text(child.stdout);
  const code = await exited;
  if (code !== 0) throw new Error(`${script} exited with code ${String(code)}; its output was:\n${stdout}`);
  const last = stdout.trimEnd().split('\n').at(-1) ?? '';
  let raw: unknown;
  try {
    raw = JSON.parse(last);
  } catch {
    throw new Error(`${script} did not print a JSON report; its output was:\n${stdout}`);
  }
  return reportSchema.parse(raw);
}

/** The child's half: its input, read whole from stdin before anything is measured. */
export async function readChildInput<T>(schema: z.ZodType<T>): Promise<T> {
  return schema.parse(JSON.parse(await text(process.stdin)));
}

/** The child's half: prints the report as the last line of stdout. */
export function printChildReport(report: unknown): void {
  process.stdout.write(`${JSON.stringify(report)}\n`);
}
