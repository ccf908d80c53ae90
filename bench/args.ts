/** Command-line options of the bench scripts, which take a few `--name value` pairs. */

/** The value after `name` in `args`, if `name` is there. */
export function optionValue(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
