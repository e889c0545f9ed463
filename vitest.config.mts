import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts', 'test/**/*.e2e-spec.ts'],
    globals: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // e2e files each create their own database; two at a time fits 2 cores
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.mts'],
    globalSetup: ['./test/global-tmp.mts'],
  },
});
