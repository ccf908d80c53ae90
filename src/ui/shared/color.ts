/** Colour is on unless NO_COLOR is set to something (https://no-color.org). */
export function colorFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return env['NO_COLOR'] === undefined || env['NO_COLOR'] === '';
}
