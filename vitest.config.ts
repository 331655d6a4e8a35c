import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The fault-injection tests take minutes: `npm run test:chaos` (vitest.chaos.config.ts) runs them.
    exclude: [...configDefaults.exclude, 'test/chaos/**'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Integration tests share the machine's real Redis / PostgreSQL; each test uses unique names.
    pool: 'forks',
  },
});
