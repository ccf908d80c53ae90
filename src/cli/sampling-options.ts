/**
 * The sampling flags of `charnn generate` and `charnn sample`, one
 * definition each (settings/sampling-settings.ts); `sample` names the slash
 * command that changes each one as it runs.
 */
import { Option } from 'commander';
import { SAMPLING_SETTINGS } from '../settings/sampling-settings.js';
import { positiveInt } from '../settings/values.js';
import { settingOption } from './setting-options.js';

/**
 * --temperature, --top-k or --top-p; `slash`: the sampler's command that
 * changes it as it runs, added to its help (" (/temp)").
 */
export function samplingOption(key: 'temperature' | 'topK' | 'topP', slash?: string): Option {
  const setting = SAMPLING_SETTINGS[key];
  return settingOption({ ...setting, help: setting.help + (slash ? ` (${slash})` : '') });
}

/** --length: `generate` allows 0 (until a stop string), `sample` generates at least one character. */
export function lengthOption(help: string, allowZero: boolean): Option {
  const length = SAMPLING_SETTINGS.length;
  return settingOption({ ...length, help, ...(allowZero ? {} : { type: positiveInt }) });
}

/** --seed: a fixed seed; without it, a random one. */
export function seedOption(help: string = SAMPLING_SETTINGS.seed.help!): Option {
  return settingOption({ ...SAMPLING_SETTINGS.seed, help });
}

/** --prime: text the model continues; `what` says when. */
export function primeOption(what: string): Option {
  return new Option('--prime <text>', `${what} (escapes: \\n line break, \\r, \\t, \\\\, \\uXXXX)`);
}
