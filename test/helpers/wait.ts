/**
 * Waiting for a condition with a deadline, never for a fixed time: tests of
 * terminals, signals and processes poll what they can see (a screen, an
 * output, a file) until it shows what they expect, so a slow machine only
 * makes them slower, and a failure shows what was seen last.
 */

/**
 * Resolves after `ms`: for letting time pass where what is tested is that
 * something does not happen meanwhile (a paused loop stays paused), and
 * between the checks of the waits below.
 */
export const sleep = (ms: number): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface WaitOptions {
  /** What is awaited, for the failure message ("the first training step"). */
  what: string;
  /** Give up after this long (default 60 s: what takes a second here may take 5× as long on a slow machine, and as long again when it is busy). */
  timeoutMs?: number;
  /** Time between two checks (default 50 ms). */
  intervalMs?: number;
  /** What was seen, printed on a timeout (e.g. the last screen, the output so far). */
  seen?: () => string;
}

/**
 * Calls `check` until it returns something truthy, and returns that; after
 * `timeoutMs` throws "timed out after … waiting for <what>" with `seen()`.
 */
export async function waitFor<T>(check: () => T | null | undefined | false | 0 | '' | Promise<T | null | undefined | false | 0 | ''>, options: WaitOptions): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const end = performance.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result) return result;
    if (performance.now() > end) {
      const seen = options.seen?.();
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${options.what}${seen === undefined ? '' : `; last seen:\n${seen}`}`);
    }
    await sleep(options.intervalMs ?? 50);
  }
}

/**
 * Checks that `value()` stays the same for `ms` (a pause holds, nothing more
 * is printed): the one wait of fixed length, since nothing changing is what
 * is being tested. Returns the value.
 */
export async function staysFor<T>(value: () => T, ms: number, what: string): Promise<T> {
  const first = value();
  const end = performance.now() + ms;
  while (performance.now() < end) {
    await sleep(50);
    const now = value();
    if (now !== first) throw new Error(`${what} changed from ${String(first)} to ${String(now)}`);
  }
  return first;
}
