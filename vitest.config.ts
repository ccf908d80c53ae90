import { defineConfig } from 'vitest/config';

/**
 * Files that measure reactions in real time (Ink frames, keys, tmux, a
 * trainer racing a reader, a full disk): a CPU-heavy file running beside
 * them makes their timings flaky, so they run one at a time, after
 * everything else. cli/signals.test and cli/edge-input.test bound CPU time and the
 * order of events, not wall time, and pass beside two busy loops: they run
 * with the rest. Of test/ui, the Ink renders (.tsx) and the dashboard's
 * worker are timed; its .ts files test pure state, formatting and charts,
 * and run with the rest (one at a time they cost ~6 s of the serial tail).
 */
const TIMING_SENSITIVE = [
  'test/e2e/**',
  'test/ui/**/*.test.tsx',
  'test/ui/train-dashboard.test.ts',
  'test/compare/views.test.tsx',
  'test/checkpoint/read-race.test.ts',
  'test/cli/output-errors.test.ts',
];

export default defineConfig({
  test: {
    environment: 'node',
    pool: 'forks',
    // Two files at a time (one per core here) for the bulk of the suite:
    // most of it spawns the real binary, one process per core.
    maxWorkers: 2,
    // CI runs set CI=true, and Ink then renders only a final frame. The UI and
    // tmux tests exercise the interactive terminal, so they run as in one.
    env: { CI: 'false' },
    // A deadline against hangs, never a measure of speed: the slowest tests
    // and set-ups take ~25 s on a quiet 2-core machine, so ~125 s on one 5×
    // slower (or as loaded); a test's own deadlines (waits, kills) stay below.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    reporters: ['default'],
    // Workers and the real binary run dist/: a build older than src/ fails the run at once.
    // The tiny trained runs tests copy are trained once per run, into a directory made here.
    globalSetup: ['test/helpers/fresh-dist.ts', 'test/helpers/tiny-run.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'parallel',
          include: ['test/**/*.test.{ts,tsx}'],
          exclude: TIMING_SENSITIVE,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'timing',
          include: TIMING_SENSITIVE.map((glob) => (glob.endsWith('**') ? `${glob}/*.test.{ts,tsx}` : glob)),
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
