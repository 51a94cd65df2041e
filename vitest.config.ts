import { defineConfig } from 'vitest/config';
import { SummaryLineReporter } from './test/summary-reporter.ts';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '**/dist/**', '.livelens/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests that start servers pick free ports themselves, so files may run in parallel.
    pool: 'forks',
    // vitest's default is one worker on 2 cores (cores − 1); most test time is spent waiting on
    // servers, kinesalite, CLI processes and timers, so three files at once finish far sooner.
    maxWorkers: 3,
    env: { TZ: 'UTC', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    reporters: ['default', new SummaryLineReporter()],
  },
});
