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
    // The CLI's build (cli/dist) from the current sources, for the tests that start bin/livelens.js.
    globalSetup: ['test/global-setup.ts'],
    // vitest's default is one worker on 2 cores (cores − 1); much test time is spent waiting on
    // servers, kinesalite, CLI processes and timers (a 30 s Kinesis outage), so four files at once
    // finish sooner (one worker: 408 s; three: 388 s on a clean 2-core machine).
    maxWorkers: 4,
    env: { TZ: 'UTC', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    reporters: ['default', new SummaryLineReporter()],
  },
});
