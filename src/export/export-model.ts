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
import { CharnnError, runtimeError, usageError } from '../util/errors.js';
import { makeDirectory, replaceDirectoryAtomically, replaceFilesInDirectory } from '../checkpoint/files.js';
import { cellDescriptor } from '../model/cells/descriptors.js';
import { pageHtml, type ExportVocab } from './page.js';
import { tfjsBrowserBundle } from './tfjs-bundle.js';

const VOCAB_FILE = 'vocab.json';
const TFJS_FILE = 'tf.min.js';
const PAGE_FILE = 'index.html';
const EXPORT_FILES = [MODEL_FILE, WEIGHTS_FILE, VOCAB_FILE, TFJS_FILE, PAGE_FILE] as const;

function exportVocab(checkpoint: LoadedCheckpoint): ExportVocab {
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
 * Checks, before anything is computed or written, that `dir` may receive an
 * export: new, empty, a previous export, or (with `force`) a directory of the
 * user's files, which are kept. Never a checkpoint, whose model.json the
 * export would overwrite, nor a symbolic link. The export's own names
 * (model.json, index.html, …) may only be replaced where charnn wrote them:
 * as regular files of a previous export. Anything else under those names (a
 * directory, a link, a user's own index.html) is refused even with --force,
 * and nothing is touched.
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
    const previous = isPreviousExport(dir);
    for (const name of EXPORT_FILES) {
      if (!entries.includes(name)) continue;
      const entry = fs.lstatSync(path.join(dir, name));
      const what = entry.isDirectory() ? 'a directory' : entry.isSymbolicLink() ? 'a symbolic link' : !entry.isFile() ? 'not a regular file' : previous ? null : 'a file';
      if (what !== null) {
        throw usageError(
          `${path.join(shown, name)} is ${what} charnn did not write; the export would replace it`,
          'move it away, or export into another directory',
        );
      }
    }
    if (entries.length > 0 && !force && !previous) {
      throw usageError(`${shown} is not empty`, 'export into a new or empty directory, or pass --force to write the export files into it beside the files there');
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
 * export's files) or, beside files of the user's, renamed in one by one once
 * all are on disk. A failure (a full disk) leaves the previous export working.
 */
function writeExport(dir: string, shown: string, contents: [string, string | Uint8Array][]): void {
  const files = Object.fromEntries(contents);
  const ours = new Set<string>(EXPORT_FILES);
  const others = fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => !ours.has(name)) : [];
  try {
    // The swap deletes the previous directory only when it holds nothing but export files (checked again there).
    if (others.length === 0) replaceDirectoryAtomically(dir, files);
    else replaceFilesInDirectory(dir, files);
  } catch (error) {
    if (error instanceof CharnnError) throw error;
    const e = error as NodeJS.ErrnoException;
    const why = e.code === 'ENOSPC' || e.code === 'EFBIG' || e.code === 'EDQUOT' ? 'the disk is full' : e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EROFS' ? 'permission denied'
      : e.code === 'ENOENT' ? 'no directory can be created there' : e.code ?? e.message;
    throw runtimeError(`cannot write the export into ${shown}: ${why}`, 'free disk space or check the permissions; a previous export there is intact', error);
  }
}

interface ExportResult {
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
