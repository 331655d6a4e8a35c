import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Integration tests share the machine's real Redis / PostgreSQL; each test uses unique names.
    pool: 'forks',
  },
});
