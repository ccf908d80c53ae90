/**
 * A synthetic long-range memory task for comparing cells. Each episode shows a
 * marker, then `lag` random fillers, then '=' and the marker again. Only the
 * repeated marker is predictable, and only by remembering the start of the
 * episode, so accuracy on it measures memory over `lag` + 1 steps; chance is
 * 1 / number of markers.
 */
import { usageError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { codePoints } from './corpus.js';
import { Vocabulary } from './vocabulary.js';

/** Markers the model must remember. */
export const DEFAULT_MARKERS = 'ABCD';
/** Characters that fill the gap between a marker and its recall. */
export const DEFAULT_FILLERS = 'abcdefghij';

const CUE = '=';
const END = '\n';

interface RecallTaskOptions {
  /** Filler characters between the marker and '='; an integer ≥ 1. */
  lag: number;
  /** Number of episodes; an integer ≥ 1. */
  episodes: number;
  seed: number;
  /** Shortest lag; each episode's lag is drawn uniformly from [minLag, lag] (lag if omitted). */
  minLag?: number;
  /** Distinct characters to remember; DEFAULT_MARKERS if omitted. */
  markers?: string;
  /** Distinct filler characters, disjoint from markers; DEFAULT_FILLERS if omitted. */
  fillers?: string;
}

/** The task as ids, one byte each for alphabets of up to 256 characters (a long training task is hundreds of megabytes). */
export interface RecallIds {
  ids: Uint8Array | Int32Array;
  vocabulary: Vocabulary;
  /** index into text (code point index) of every character the model must predict from memory: the recalled marker */
  recallPositions: Int32Array;
  markers: string;
  lag: number;
  /** Accuracy of guessing a marker uniformly at random: 1 / number of markers. */
  chanceAccuracy: number;
}

interface RecallTask extends Omit<RecallIds, 'ids'> {
  text: string;
}

/**
 * Builds the task text deterministically from `seed`.
 * @throws CharnnError (usage) for invalid options.
 */
export function makeRecallTask(options: RecallTaskOptions): RecallTask {
  const { ids, ...task } = makeRecallIds(options);
  return { ...task, text: task.vocabulary.decode(ids) };
}

/**
 * The same task as ids, written straight into a typed array: one byte per
 * character (4 for alphabets beyond 256), where building the text took
 * about 30 bytes per character.
 * @throws CharnnError (usage) for invalid options.
 */
export function makeRecallIds(options: RecallTaskOptions): RecallIds {
  const { lag, episodes, seed } = options;
  const markers = options.markers ?? DEFAULT_MARKERS;
  const fillers = options.fillers ?? DEFAULT_FILLERS;
  checkCount(lag, 'lag');
  checkCount(episodes, 'episodes');
  const minLag = options.minLag ?? lag;
  checkCount(minLag, 'minLag');
  if (minLag > lag) throw usageError(`recall task minLag ${minLag} exceeds lag ${lag}`, 'pass a minLag no greater than the lag');
  if (!Number.isFinite(seed)) throw usageError(`recall task seed must be a number, got ${seed}`, 'pass an integer seed');
  const markerChars = checkAlphabet(markers, 'markers');
  const fillerChars = checkAlphabet(fillers, 'fillers');
  const shared = markerChars.filter((ch) => fillerChars.includes(ch));
  if (shared.length > 0) {
    throw usageError(
      `recall task markers and fillers share ${shared.map((c) => JSON.stringify(c)).join(', ')}`,
      'choose fillers that are not markers, or recall would be ambiguous',
    );
  }

  const vocabulary = Vocabulary.fromText(markers + fillers + CUE + END);
  const [markerIds, fillerIds, [cue, end]] = [markerChars, fillerChars, [CUE, END]].map((chars) => Array.from(vocabulary.encode(chars.join(''))));
  const rng = new Rng(seed);
  const episodeLength = lag + 4; // marker, fillers, '=', marker, newline
  const ids = vocabulary.size <= 256 ? new Uint8Array(episodes * episodeLength) : new Int32Array(episodes * episodeLength);
  const recallPositions = new Int32Array(episodes);
  let k = 0;
  for (let e = 0; e < episodes; e++) {
    const marker = markerIds![rng.int(markerIds!.length)]!;
    const episodeLag = minLag === lag ? lag : minLag + rng.int(lag - minLag + 1);
    for (let j = episodeLag; j < lag; j++) ids[k++] = fillerIds![rng.int(fillerIds!.length)]!;
    ids[k++] = marker;
    for (let j = 0; j < episodeLag; j++) ids[k++] = fillerIds![rng.int(fillerIds!.length)]!;
    ids[k++] = cue!;
    recallPositions[e] = k; // one id per character, so k is a code point index
    ids[k++] = marker;
    ids[k++] = end!;
  }

  return {
    ids,
    vocabulary,
    recallPositions,
    markers,
    lag,
    chanceAccuracy: 1 / markerChars.length,
  };
}

function checkCount(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw usageError(`recall task ${name} must be an integer of at least 1, got ${value}`, `pass a whole number ≥ 1 for ${name}`);
  }
}

// Duplicates would weight some characters twice and make chanceAccuracy wrong.
function checkAlphabet(alphabet: string, name: string): string[] {
  const chars = codePoints(alphabet);
  if (chars.length === 0) throw usageError(`recall task ${name} are empty`, `give at least one character for ${name}`);
  if (chars.includes(CUE) || chars.includes(END)) {
    throw usageError(`recall task ${name} must not contain '=' or a newline`, 'those characters delimit episodes; pick others');
  }
  const dup = chars.find((ch, i) => chars.indexOf(ch) !== i);
  if (dup !== undefined) {
    throw usageError(`recall task ${name} repeat ${JSON.stringify(dup)}`, `list each ${name.replace(/s$/, '')} character once`);
  }
  return chars;
}
