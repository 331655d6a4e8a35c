/**
 * A full garbage collection in the harness process, without starting it with --expose-gc. The
 * harness (and the OpenApp simulator it runs) holds a large heap; collecting it before each
 * measured run keeps its own collector from running beside the measured process on a small
 * machine.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

export function collectHarnessGarbage(): void {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
