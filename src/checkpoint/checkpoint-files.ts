/**
 * The files a checkpoint directory consists of, in one place: saving writes
 * them, and removing or replacing a checkpoint deletes these and nothing
 * else (a directory holding anything more is not charnn's to delete).
 */
import { META_FILE_NAME } from './meta.js';
import type { OwnedFiles } from './files.js';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
export const META_FILE = META_FILE_NAME;
export const STATE_FILE = 'state.bin';

/** Every file charnn writes into a checkpoint directory. */
export const CHECKPOINT_FILES: OwnedFiles = new Set([MODEL_FILE, WEIGHTS_FILE, META_FILE, STATE_FILE]);
