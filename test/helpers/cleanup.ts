import { afterEach } from 'vitest';

/**
 * A list of things to undo after each test (close servers, delete Redis keys, remove temp dirs),
 * run last-in first-out whether the test passed or not.
 */
export function cleanupAfterEach(): (() => Promise<unknown>)[] {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    while (cleanup.length) await cleanup.pop()?.();
  });
  return cleanup;
}
