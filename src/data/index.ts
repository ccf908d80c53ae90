/** The data layer: reading corpora, mapping characters to ids, batching, synthetic tasks. */
export { NORMALIZATIONS, codePoints, normalizeText, readCorpus } from './corpus.js';
export type { Corpus, Normalization } from './corpus.js';
export { Vocabulary, showChar } from './vocabulary.js';
export { BatchStream, splitTrainVal } from './batches.js';
export type { Batch } from './batches.js';
export { DEFAULT_FILLERS, DEFAULT_MARKERS, makeRecallTask } from './recall-task.js';
export type { RecallTask, RecallTaskOptions } from './recall-task.js';
