/**
 * The sampling settings shared by `charnn generate`, `charnn sample`, the
 * dashboard's samples and the export page: one default and one flag each.
 * Commands that need a narrower kind of value or their own words take the
 * entry and override that part (`{ ...SAMPLING_SETTINGS.length, type: positiveInt }`).
 */
import { defaultsOf, type SettingsTable } from './setting.js';
import { MAX_TEMPERATURE } from './train-settings.js';
import { count, integer, nonNegativeNumber, orNull, probabilityMass } from './values.js';

export interface SamplingSettings {
  /** 0 = always the most likely character (argmax). */
  temperature: number;
  /** Keep only the k most likely characters; 0 = off. */
  topK: number;
  /** Keep the smallest set of characters whose probability reaches p; 1 = off. */
  topP: number;
  /** Characters per sample. */
  length: number;
  /** Fixed seed, or null for a random one. */
  seed: number | null;
}

/** Bounds of the interactive sampler: `charnn sample`'s flags and its slash commands. */
export const SAMPLER_LIMITS = { temperature: MAX_TEMPERATURE, length: 100_000, seed: 2 ** 32 - 1 } as const;

/** The longest sample `charnn generate` writes (--length, --max-length). */
export const GENERATE_MAX_LENGTH = 10_000_000;

/** The widest beam --beam accepts: one model batch (wider beams cost time and rarely change the best continuation). */
export const MAX_BEAM = 256;

/** Every Unicode code point: no vocabulary is larger, so a larger --top-k means nothing more. */
const MAX_TOP_K = 0x110000;

export const SAMPLING_SETTINGS: SettingsTable<SamplingSettings> = {
  temperature: { flag: '--temperature <x>', type: nonNegativeNumber, default: 0.8, max: MAX_TEMPERATURE, help: 'sampling temperature, 0 = always the most likely character' },
  topK: { flag: '--top-k <n>', type: count, default: 0, max: MAX_TOP_K, help: 'sample only from the k most likely characters, 0 = off' },
  topP: { flag: '--top-p <x>', type: probabilityMass, default: 1, help: 'sample only from the smallest set reaching this probability, in (0, 1]' },
  length: { flag: '--length <n>', type: count, default: 200, max: GENERATE_MAX_LENGTH, help: 'characters per sample' },
  seed: { flag: '--seed <n>', type: orNull(integer), default: null, max: Number.MAX_SAFE_INTEGER, help: 'random seed: same seed, same samples (default: random)' },
};

export const DEFAULT_SAMPLING_SETTINGS: SamplingSettings = defaultsOf(SAMPLING_SETTINGS);
