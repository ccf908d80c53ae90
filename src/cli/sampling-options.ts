/**
 * The sampling flags of `charnn generate` and `charnn sample`, one
 * definition each (settings/sampling-settings.ts); `sample` names the slash
 * command that changes each one as it runs.
 */
import { Option } from 'commander';
import { SAMPLER_LIMITS, SAMPLING_SETTINGS } from '../settings/sampling-settings.js';
import { count, orNull, positiveInt } from '../settings/values.js';
import { settingOption } from './setting-options.js';

/**
 * --temperature, --top-k or --top-p; `slash`: the sampler's command that
 * changes it as it runs, added to its help (" (/temp)").
 */
export function samplingOption(key: 'temperature' | 'topK' | 'topP', slash?: string): Option {
  const setting = SAMPLING_SETTINGS[key];
  return settingOption({ ...setting, help: setting.help + (slash ? ` (${slash})` : '') });
}

/**
 * --length: `generate` allows 0 (until a stop string), `sample` (the
 * interactive sampler) generates at least one character and at most its
 * /len bound.
 */
export function lengthOption(help: string, command: 'generate' | 'sample'): Option {
  const length = SAMPLING_SETTINGS.length;
  return settingOption({ ...length, help, ...(command === 'generate' ? {} : { type: positiveInt, max: SAMPLER_LIMITS.length }) });
}

/** --seed: a fixed seed; without it, a random one. The sampler's seeds are its /seed's, 0 … 2^32 − 1. */
export function seedOption(help: string = SAMPLING_SETTINGS.seed.help!, command: 'generate' | 'sample' = 'generate'): Option {
  const seed = SAMPLING_SETTINGS.seed;
  return settingOption({ ...seed, help, ...(command === 'generate' ? {} : { type: orNull(count), max: SAMPLER_LIMITS.seed }) });
}

/** --prime: text the model continues; `what` says when. */
export function primeOption(what: string): Option {
  return new Option('--prime <text>', `${what} (escapes: \\n line break, \\r, \\t, \\\\, \\uXXXX)`);
}
