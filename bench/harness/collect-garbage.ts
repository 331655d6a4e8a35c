/**
 * A full garbage collection, whether or not the process was started with --expose-gc (the harness
 * is not; the measured sides are). The harness, which also runs the OpenApp simulator, holds a large
 * heap: collecting it before each measured run keeps its collector from running beside the
 * measured process on a small machine. A measured side collects after its peak is read, to report
 * its live heap.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc = (globalThis as { gc?: () => void }).gc;

export function collectGarbage(): void {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
