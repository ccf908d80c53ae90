import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    environment: 'node',
    pool: 'forks',
    // One test file at a time (vitest's default on 2 cores, made explicit): the
    // UI, signal and tmux tests measure reactions in real time, and a CPU-heavy
    // file running beside them makes those timings flaky.
    maxWorkers: 1,
    // CI runs set CI=true, and Ink then renders only a final frame. The UI and
    // tmux tests exercise the interactive terminal, so they run as in one.
    env: { CI: 'false' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
