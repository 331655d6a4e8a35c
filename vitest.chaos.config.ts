import { defineConfig } from 'vitest/config';

/**
 * `npm run test:chaos`: the fault-injection tests (test/chaos), apart from `npm test` because they
 * take minutes. One file at a time: each drives worker processes, a simulator and sometimes a
 * Redis of its own, and timing under faults should not depend on what else runs.
 */
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
