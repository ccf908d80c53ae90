/**
 * `charnn export`: a directory any static web server can serve —
 *   model.json + weights.bin  the standard TF.js Layers model (tf.loadLayersModel)
 *   vocab.json                characters in id order and what a sampler needs to know
 *   tf.min.js                 TF.js for the browser, from node_modules (no CDN needed; tfjs-bundle.ts)
 *   index.html                a self-contained page that samples in the browser
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LoadedCheckpoint } from '../checkpoint/load.js';
import { layersModelFiles, META_FILE, MODEL_FILE, WEIGHTS_FILE } from '../checkpoint/save.js';
import { runtimeError, usageError } from '../util/errors.js';
import { makeDirectory, replaceDirectoryAtomically, replaceFilesInDirectory } from '../checkpoint/files.js';
import { cellDescriptor } from '../model/cells/descriptors.js';
import { pageHtml, type ExportVocab } from './page.js';
import { tfjsBrowserBundle } from './tfjs-bundle.js';

export const VOCAB_FILE = 'vocab.json';
export const TFJS_FILE = 'tf.min.js';
export const PAGE_FILE = 'index.html';
export const EXPORT_FILES = [MODEL_FILE, WEIGHTS_FILE, VOCAB_FILE, TFJS_FILE, PAGE_FILE] as const;

export function exportVocab(checkpoint: LoadedCheckpoint): ExportVocab {
  const { meta, vocab } = checkpoint;
  const m = meta.model;
  const newline = vocab.id('\n');
  const { keras } = cellDescriptor(m.cell);
  return {
    format: 'charnn-export',
    version: 1,
    chars: [...vocab.chars],
    normalization: meta.normalization,
    cell: m.cell,
    keras: { layer: keras.layer, options: { ...keras.options } },
    layers: m.layers,
    hidden: m.hidden,
    embedding: m.embedding,
    vocabSize: m.vocabSize,
    outputs: 'logits',
    startId: newline >= 0 ? newline : 0,
    model: `${m.cell.toUpperCase()} ${m.layers}×${m.hidden}`,
    corpus: meta.corpus.name,
    step: meta.progress.step,
    bestValLoss: meta.progress.bestValLoss,
    charnnVersion: meta.charnnVersion,
  };
}

function isPreviousExport(dir: string): boolean {
  try {
    // Never follows a link or reads a device: only a small regular vocab.json counts.
    const file = path.join(dir, VOCAB_FILE);
    const stats = fs.lstatSync(file);
    if (!stats.isFile() || stats.size > 64 * 2 ** 20) return false;
    return JSON.parse(fs.readFileSync(file, 'utf8')).format === 'charnn-export';
  } catch {
    return false;
  }
}

/**
 * Checks that `dir` may receive an export: new, empty, a previous export, or
 * anything at all with `force` — but never a checkpoint, whose model.json
 * the export would overwrite, nor a symbolic link.
 */
function prepareDirectory(dir: string, shown: string, force: boolean): void {
  let stats: fs.Stats | null = null;
  try {
    stats = fs.lstatSync(dir);
  } catch {
    // New.
  }
  if (stats) {
    if (stats.isSymbolicLink()) throw usageError(`${shown} is a symbolic link`, 'export into a real directory (charnn does not write through links)');
    if (!stats.isDirectory()) throw usageError(`${shown} is a file`, 'pass a directory to export into (it is created if missing)');
    if (fs.existsSync(path.join(dir, META_FILE))) {
      throw usageError(`${shown} is a checkpoint directory`, 'export into another directory; the export would overwrite the checkpoint\'s model.json');
    }
    const entries = fs.readdirSync(dir);
    if (entries.length > 0 && !force && !isPreviousExport(dir)) {
      throw usageError(`${shown} is not empty`, 'export into a new or empty directory, or pass --force to write the export files into it anyway');
    }
    return;
  }
  try {
    makeDirectory(path.dirname(dir));
  } catch (error) {
    throw usageError(`cannot create ${shown}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'pass a directory you can write to');
  }
}

/**
 * Writes the export files atomically: into a temporary directory first,
 * then swapped in whole (a new directory, or one holding only a previous
 * export) or, beside files of the user's, renamed in one by one once all
 * are on disk. A failure (a full disk) leaves the previous export working.
 */
function writeExport(dir: string, shown: string, contents: [string, string | Uint8Array][]): void {
  const files = Object.fromEntries(contents);
  const ours = new Set<string>(EXPORT_FILES);
  const others = fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => !ours.has(name)) : [];
  try {
    if (others.length === 0) replaceDirectoryAtomically(dir, files);
    else replaceFilesInDirectory(dir, files);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const why = e.code === 'ENOSPC' || e.code === 'EFBIG' || e.code === 'EDQUOT' ? 'the disk is full' : e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EROFS' ? 'permission denied'
      : e.code === 'ENOENT' ? 'no directory can be created there' : e.code ?? e.message;
    throw runtimeError(`cannot write the export into ${shown}: ${why}`, 'free disk space or check the permissions; a previous export there is intact', error);
  }
}

export interface ExportResult {
  dir: string;
  files: { name: string; bytes: number }[];
}

/** Writes the export of a loaded checkpoint into `target`. */
export async function exportCheckpoint(checkpoint: LoadedCheckpoint, target: string, options: { force?: boolean } = {}): Promise<ExportResult> {
  const dir = path.resolve(target);
  prepareDirectory(dir, target, options.force ?? false);
  const bundle = tfjsBrowserBundle();
  const { modelJson, weights } = await layersModelFiles(checkpoint.meta, checkpoint.params);
  const vocab = exportVocab(checkpoint);
  const contents: [string, string | Uint8Array][] = [
    [WEIGHTS_FILE, weights],
    [MODEL_FILE, modelJson],
    [VOCAB_FILE, `${JSON.stringify(vocab, null, 1)}\n`],
    [TFJS_FILE, bundle],
    [PAGE_FILE, pageHtml(vocab)],
  ];
  writeExport(dir, target, contents);
  return { dir, files: contents.map(([name, data]) => ({ name, bytes: typeof data === 'string' ? Buffer.byteLength(data) : data.length })) };
}
