/**
 * The sampling flags of `charnn generate` and `charnn sample`, one
 * definition each (settings/sampling-settings.ts); `sample` names the slash
 * command that changes each one as it runs.
 */
import { Option } from 'commander';
import { SAMPLING_SETTINGS } from '../settings/sampling-settings.js';
import type { Setting } from '../settings/setting.js';
import { positiveInt } from '../settings/values.js';
import { settingOption } from './setting-options.js';

/** " (/temp)": the sampler's slash command for a setting, added to its help. */
const command = (name: string | undefined): string => (name ? ` (${name})` : '');

function withHelp<T>(setting: Setting<T>, help: string): Option {
  return settingOption({ ...setting, help });
}

/** --temperature; `slash`: the sampler's command that changes it. */
export function temperatureOption(slash?: string): Option {
  return withHelp(SAMPLING_SETTINGS.temperature, SAMPLING_SETTINGS.temperature.help + command(slash));
}

export function topKOption(slash?: string): Option {
  return withHelp(SAMPLING_SETTINGS.topK, SAMPLING_SETTINGS.topK.help + command(slash));
}

export function topPOption(slash?: string): Option {
  return withHelp(SAMPLING_SETTINGS.topP, SAMPLING_SETTINGS.topP.help + command(slash));
}

/** --length: `generate` allows 0 (until a stop string), `sample` generates at least one character. */
export function lengthOption(help: string, allowZero: boolean): Option {
  const length = SAMPLING_SETTINGS.length;
  return settingOption({ ...length, help, ...(allowZero ? {} : { type: positiveInt }) });
}

/** --seed: a fixed seed; without it, a random one. */
export function seedOption(help: string = SAMPLING_SETTINGS.seed.help!): Option {
  return withHelp(SAMPLING_SETTINGS.seed, help);
}

/** --prime: text the model continues; `what` says when. */
export function primeOption(what: string): Option {
  return new Option('--prime <text>', `${what} (escapes: \\n line break, \\r, \\t, \\\\, \\uXXXX)`);
}
