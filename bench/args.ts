/** Command-line options of the bench scripts, which take a few `--name value` pairs. */

/** The value after `name` in `args`, if `name` is there. */
export function optionValue(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** The whole number of at least 1 after `name` (or `fallback`); anything else goes to `usage`. */
export function wholeOption(args: readonly string[], name: string, fallback: string, usage: (message: string) => never): number {
  const text = optionValue(args, name) ?? fallback;
  const value = Number(text);
  return Number.isInteger(value) && value >= 1 ? value : usage(`${name} takes a whole number of at least 1, got ${text}`);
}

/** The number above 0 after `name` (or `fallback`); anything else goes to `usage`. */
export function positiveOption(args: readonly string[], name: string, fallback: string, usage: (message: string) => never): number {
  const text = optionValue(args, name) ?? fallback;
  const value = Number(text);
  return value > 0 ? value : usage(`${name} takes a number above 0, got ${text}`);
}

/**
 * Refuses what a script does not take — a typo, or `--help`, would otherwise
 * start minutes or hours of runs with the defaults: `usage` names the flag
 * and the ones there are.
 * @param valued flags followed by a value
 * @param switches flags on their own
 */
export function checkFlags(args: readonly string[], valued: readonly string[], switches: readonly string[], usage: (message: string) => never): void {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (valued.includes(arg)) {
      if (args[i + 1] === undefined) usage(`${arg} takes a value`);
      i++;
    } else if (!switches.includes(arg)) {
      usage(`${arg === '--help' || arg === '-h' ? 'flags' : `unknown argument ${arg}; flags`}: ${[...valued.map((f) => `${f} <value>`), ...switches].join(', ')} (the top of the script says more)`);
    }
  }
}
