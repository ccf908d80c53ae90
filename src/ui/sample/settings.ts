/**
 * The sampler's settings and its slash commands, as pure functions: a line
 * the user typed becomes either prime text or a command with its new
 * settings or an inline message. Nothing here can throw on user input.
 */
import { DEFAULT_SAMPLING_SETTINGS, SAMPLER_LIMITS } from '../../settings/sampling-settings.js';
import type { WatchedUnit } from '../../sample/session.js';
import { formatTemperature } from '../shared/format.js';

export interface SamplerSettings {
  /** 0 = always the most likely character. */
  temperature: number;
  /** 0 = off. */
  topK: number;
  /** 1 = off. */
  topP: number;
  /** Characters generated per Enter. */
  length: number;
  /** Fixed seed, or null for a new random seed on every generation. */
  seed: number | null;
  /** Colour each generated character by its probability. */
  heat: boolean;
  /** Show the 5 most likely next characters. */
  top: boolean;
  /** Colour generated text by this unit's value (/unit), or null. */
  unit: WatchedUnit | null;
}

export const DEFAULT_SAMPLER_SETTINGS: SamplerSettings = {
  ...DEFAULT_SAMPLING_SETTINGS,
  heat: false,
  top: false,
  unit: null,
};

const { temperature: MAX_TEMPERATURE, length: MAX_SAMPLE_LENGTH, seed: MAX_SEED } = SAMPLER_LIMITS;

type InputAction =
  /** Text to feed, then generate (may be '' = continue from the current state). */
  | { kind: 'text'; text: string }
  | { kind: 'settings'; settings: SamplerSettings; message: string }
  | { kind: 'reset' }
  | { kind: 'help' }
  | { kind: 'quit' }
  | { kind: 'error'; message: string };

/** The slash commands, for /help and the footer. */
const COMMAND_HELP: readonly [string, string][] = [
  ['/temp X', 'temperature, X ≥ 0 (0 = always the most likely character)'],
  ['/topk N', 'sample from the N most likely characters only (0 = off)'],
  ['/topp X', 'sample from the smallest set reaching probability X, 0 < X ≤ 1 (1 = off)'],
  ['/len N', `characters per generation, 1–${MAX_SAMPLE_LENGTH.toLocaleString('en-US')}`],
  ['/seed N', 'fixed seed (a reset + the same prime repeats the text); /seed random: new each time'],
  ['/reset', 'forget the context: the next text starts from a fresh state'],
  ['/heat', 'toggle the heat map: each generated character coloured by its probability (also Tab)'],
  ['/top', 'toggle the 5 most likely next characters (also Shift-Tab)'],
  ['/unit L:N', 'colour generated text by a unit (layer L from 1, unit N from 0; add c for the LSTM cell state): blue −1, white 0, red +1; /unit off'],
  ['/help', 'this list'],
  ['/quit', 'leave (also Ctrl-C)'],
];

/** Lines of /help: keys, commands, and how the heat map reads. */
export function helpLines(color: boolean): string[] {
  return [
    'Type text and press Enter: it is fed to the model, which continues it. Enter on an empty line continues from where the model stopped. Esc stops a generation.',
    'In your text \\n is a line break, \\t a tab, \\r a carriage return, \\uXXXX any character, \\\\ a backslash; a line starting with // sends text that starts with /.',
    ...COMMAND_HELP.map(([cmd, what]) => `  ${cmd.padEnd(8)} ${what}`),
    color
      ? 'Heat map: green p ≥ 50%, yellow p ≥ 20%, red below (p = the model’s own probability at T=1).'
      : 'Heat map without colour (NO_COLOR): plain p ≥ 50%, underlined p ≥ 20%, inverse below.',
    '↑/↓ recall earlier lines; ←/→, Home/End, Ctrl-A/E move; Ctrl-U clears the line, Ctrl-W deletes a word.',
  ];
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const INTEGER = /^\+?\d+$/;

function parseNumber(text: string | undefined): number | null {
  if (text === undefined || !NUMBER.test(text)) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

function parseInteger(text: string | undefined): number | null {
  if (text === undefined || !INTEGER.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

function onOff(arg: string | undefined, current: boolean): boolean | null {
  if (arg === undefined) return !current;
  const a = arg.toLowerCase();
  if (a === 'on' || a === '1' || a === 'true' || a === 'yes') return true;
  if (a === 'off' || a === '0' || a === 'false' || a === 'no') return false;
  return null;
}

export const describeTopK = (k: number): string => (k === 0 ? 'off' : String(k));
export const describeTopP = (p: number): string => (p >= 1 ? 'off' : String(Number(p.toFixed(4))));
export const describeSeed = (seed: number | null): string => (seed === null ? 'random' : String(seed));
/** "h 2:17": the signal, the layer from 1, the unit from 0. */
export const describeUnit = (u: WatchedUnit): string => `${u.signal} ${u.layer + 1}:${u.unit}`;

const ALIASES: Record<string, string> = {
  temp: 'temp', temperature: 'temp', t: 'temp',
  topk: 'topk', 'top-k': 'topk', k: 'topk',
  topp: 'topp', 'top-p': 'topp', p: 'topp',
  len: 'len', length: 'len', n: 'len',
  seed: 'seed',
  reset: 'reset',
  heat: 'heat', heatmap: 'heat',
  top: 'top', top5: 'top',
  unit: 'unit', neuron: 'unit',
  help: 'help', h: 'help', '?': 'help',
  quit: 'quit', exit: 'quit', q: 'quit',
};

/** What a submitted input line means. */
export function interpretInput(line: string, s: SamplerSettings): InputAction {
  if (line.startsWith('//')) return { kind: 'text', text: line.slice(1) };
  if (!line.startsWith('/')) return { kind: 'text', text: line };
  const [rawName = '', ...args] = line.slice(1).trim().split(/\s+/);
  const name = ALIASES[rawName.toLowerCase()];
  const arg = args[0];
  const extra = args.length > 1 ? ` (extra words ignored: ${args.slice(1).join(' ')})` : '';
  const set = (patch: Partial<SamplerSettings>, message: string): InputAction => ({
    kind: 'settings',
    settings: { ...s, ...patch },
    message: message + extra,
  });
  switch (name) {
    case 'temp': {
      if (arg === undefined) return { kind: 'error', message: `temperature is ${formatTemperature(s.temperature)}; change it with /temp 0.7` };
      const t = parseNumber(arg);
      if (t === null || t < 0 || t > MAX_TEMPERATURE) {
        return { kind: 'error', message: `/temp needs a number from 0 to ${MAX_TEMPERATURE} (0 = always the most likely character), not "${arg}"` };
      }
      return set({ temperature: t }, `temperature ${formatTemperature(t)}`);
    }
    case 'topk': {
      if (arg === undefined) return { kind: 'error', message: `top-k is ${describeTopK(s.topK)}; change it with /topk 40 (0 = off)` };
      const k = arg.toLowerCase() === 'off' ? 0 : parseInteger(arg);
      if (k === null) return { kind: 'error', message: `/topk needs a whole number ≥ 0 (0 = off), not "${arg}"` };
      return set({ topK: k }, `top-k ${describeTopK(k)}`);
    }
    case 'topp': {
      if (arg === undefined) return { kind: 'error', message: `top-p is ${describeTopP(s.topP)}; change it with /topp 0.9 (1 = off)` };
      const p = arg.toLowerCase() === 'off' ? 1 : parseNumber(arg);
      if (p === null || !(p > 0 && p <= 1)) return { kind: 'error', message: `/topp needs a number above 0 and at most 1 (1 = off), not "${arg}"` };
      return set({ topP: p }, `top-p ${describeTopP(p)}`);
    }
    case 'len': {
      if (arg === undefined) return { kind: 'error', message: `length is ${s.length}; change it with /len 300` };
      const n = parseInteger(arg);
      if (n === null || n < 1 || n > MAX_SAMPLE_LENGTH) {
        return { kind: 'error', message: `/len needs a whole number from 1 to ${MAX_SAMPLE_LENGTH.toLocaleString('en-US')}, not "${arg}"` };
      }
      return set({ length: n }, `length ${n}`);
    }
    case 'seed': {
      if (arg === undefined) return { kind: 'error', message: `seed is ${describeSeed(s.seed)}; use /seed 42 or /seed random` };
      const a = arg.toLowerCase();
      if (a === 'random' || a === 'rand' || a === 'r' || a === 'off' || a === 'none') return set({ seed: null }, 'seed random: a new one for every generation');
      const n = parseInteger(arg);
      if (n === null || n > MAX_SEED) return { kind: 'error', message: `/seed needs a whole number from 0 to ${MAX_SEED} or "random", not "${arg}"` };
      return set({ seed: n }, `seed ${n}: /reset and the same text give the same continuation`);
    }
    case 'heat': {
      const v = onOff(arg, s.heat);
      if (v === null) return { kind: 'error', message: `/heat takes on or off, not "${arg}"` };
      return set({ heat: v }, `heat map ${v ? 'on' : 'off'}`);
    }
    case 'top': {
      const v = onOff(arg, s.top);
      if (v === null) return { kind: 'error', message: `/top takes on or off, not "${arg}"` };
      return set({ top: v }, `top-5 next characters ${v ? 'on' : 'off'}`);
    }
    case 'unit': {
      if (arg === undefined) {
        return { kind: 'error', message: s.unit ? `unit is ${describeUnit(s.unit)}; /unit off stops` : 'unit colouring is off; /unit 2:17 colours generated text by unit 17 of layer 2' };
      }
      if (arg.toLowerCase() === 'off' || arg.toLowerCase() === 'none') return set({ unit: null }, 'unit colouring off');
      const match = /^(\d+):(\d+)$/.exec(arg);
      const signal = (args[1] ?? 'h').toLowerCase();
      if (!match || Number(match[1]) < 1 || (signal !== 'h' && signal !== 'c') || args.length > 2) {
        return { kind: 'error', message: `/unit takes layer:unit (layers from 1, units from 0) and optionally h or c, e.g. /unit 2:17 c; not "${args.join(' ')}"` };
      }
      const unit: WatchedUnit = { layer: Number(match[1]) - 1, unit: Number(match[2]), signal };
      return { kind: 'settings', settings: { ...s, unit }, message: `unit ${describeUnit(unit)}: generated text is coloured by its value (blue −1, white 0, red +1)` };
    }
    case 'reset':
      return { kind: 'reset' };
    case 'help':
      return { kind: 'help' };
    case 'quit':
      return { kind: 'quit' };
    default:
      return {
        kind: 'error',
        message: rawName === '' ? 'a command is missing after /; type /help for the list' : `unknown command /${rawName}; type /help for the list (// sends text that starts with /)`,
      };
  }
}

/** The escapes typed text may use, as in `charnn generate --prime`: \n, \r, \t, \\, \uXXXX. */
export { unescapeText as unescapeInput } from '../../util/unescape.js';
