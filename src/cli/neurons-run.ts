/**
 * `charnn neurons <checkpoint> [file]`: runs the model over a text and
 * reports on its units — one unit painted over the text (--unit); the units
 * that track properties of the text followed by gate saturation (--find, and
 * without --unit the default); gate saturation alone (--gates). --json gives
 * the same data. Loaded only when the command runs (src/cli/*-command.ts defines its
 * options without TF.js).
 */
import path from 'node:path';
import { initBackend, type BackendName } from '../engine/tfjs/backend/index.js';
import { loadCheckpoint } from '../checkpoint/load.js';
import { rankUnits, previewWindow, type PropertyRanking, type UnitRef } from '../inspect/find.js';
import { describeFinding, gateStatistics, layerFindings, type GateStats } from '../inspect/gates.js';
import { activationBytes, record, unitSeries } from '../inspect/record.js';
import { findReport, gateReport, unitLabel, unitView } from '../inspect/report.js';
import { CharRnn } from '../engine/tfjs/char-rnn.js';
import { cellDescriptor, SIGNAL_LABELS, type SignalName } from '../model/cells/descriptors.js';
import { arraysToParams, disposeParams } from '../engine/tfjs/param-tensors.js';
import { colorFromEnv } from '../ui/shared/color.js';
import { wrapWords } from '../util/text.js';
import { usageError } from '../util/errors.js';
import { escapeControls, safeJson } from '../util/escape.js';
import { NEURONS_SETTINGS } from '../settings/command-settings.js';
import { inspectedText } from './neurons-text.js';
import { writeOut } from './output.js';

export interface NeuronsOptions {
  unit?: { layer: number; unit: number };
  signal?: string;
  find?: boolean;
  gates?: boolean;
  top: number;
  chars: number;
  corpus?: string;
  width?: number;
  json: boolean;
  backend: BackendName;
}

/** Activations kept in memory at most. */
const MAX_ACTIVATION_BYTES = 1 << 30;
const MAX_CHARS = NEURONS_SETTINGS.chars.max;
const MIN_WIDTH = 40;

export async function runNeurons(checkpointPath: string, file: string | undefined, o: NeuronsOptions): Promise<void> {
  if (o.chars > MAX_CHARS) throw usageError(`--chars is limited to ${MAX_CHARS.toLocaleString('en-US')}`, 'inspect a shorter stretch of text');
  if (o.width !== undefined && (o.width < MIN_WIDTH || o.width > NEURONS_SETTINGS.width.max)) {
    throw usageError(`--width must be from ${MIN_WIDTH} to ${NEURONS_SETTINGS.width.max}`, `pass a --width from ${MIN_WIDTH} to ${NEURONS_SETTINGS.width.max}`);
  }
  const showUnit = o.unit !== undefined;
  const showFind = o.find === true || (!showUnit && o.gates !== true);
  const explicitGates = o.gates === true;
  let showGates = explicitGates || showFind;

  await initBackend(o.backend);
  const checkpoint = loadCheckpoint(checkpointPath);
  const { meta, vocab } = checkpoint;
  const config = meta.model;
  const cellName = config.cell.toUpperCase();
  const { signals: available, gateSignals: gates } = cellDescriptor(config.cell);
  if (o.signal !== undefined && !available.includes(o.signal as SignalName)) {
    throw usageError(`--signal ${o.signal} is not a value of an ${cellName} unit`, `use one of ${available.join(', ')}`);
  }
  const signal = o.signal as SignalName | undefined;
  if (o.unit && (o.unit.layer > config.layers || o.unit.unit >= config.hidden)) {
    throw usageError(
      `--unit ${o.unit.layer}:${o.unit.unit} is not in this model (${config.layers} layer${config.layers === 1 ? '' : 's'} of ${config.hidden} units)`,
      `use 1:0 … ${config.layers}:${config.hidden - 1}`,
    );
  }
  if (explicitGates && gates.length === 0) throw usageError('a plain RNN has no gates', 'drop --gates, or inspect an LSTM or GRU checkpoint');
  if (gates.length === 0) showGates = false;

  const findSignals: SignalName[] = signal !== undefined && showFind ? [signal] : available.filter((s) => s === 'h' || s === 'c');
  const unitRef: UnitRef | null = o.unit ? { layer: o.unit.layer - 1, unit: o.unit.unit, signal: signal ?? 'h' } : null;
  const wanted = new Set<SignalName>([...(unitRef ? [unitRef.signal] : []), ...(showFind ? findSignals : []), ...(showGates ? gates : [])]);
  const bytes = activationBytes(config, wanted.size, o.chars);
  if (bytes > MAX_ACTIVATION_BYTES) {
    const fits = Math.floor(MAX_ACTIVATION_BYTES / activationBytes(config, wanted.size, 1));
    throw usageError(`--chars ${o.chars} needs ${(bytes / 2 ** 30).toFixed(1)} GiB of activations for this model`, `use --chars ${fits} or fewer`);
  }

  const text = await inspectedText(meta, vocab, file, o.chars, o.corpus);
  const model = new CharRnn(config, arraysToParams(config, checkpoint.params));
  let activations;
  try {
    activations = await record(model, text.ids, [...wanted]);
  } finally {
    disposeParams(model.params);
  }
  const rankings: PropertyRanking[] = showFind ? rankUnits(activations, text.chars, findSignals, o.top) : [];
  const stats: GateStats[] = showGates ? gateStatistics(activations) : [];
  const readings = showGates ? layerFindings(stats).map((f, l) => describeFinding(f, l, stats)) : [];

  if (o.json) {
    const ref = (u: UnitRef) => ({ signal: u.signal, layer: u.layer + 1, unit: u.unit });
    await writeOut(
      `${safeJson({
        checkpoint: checkpoint.dir,
        model: { cell: config.cell, layers: config.layers, hidden: config.hidden, step: meta.progress.step },
        text: { source: text.source, chars: text.chars.length, text: text.chars.join('') },
        ...(unitRef ? { unit: { ...ref(unitRef), values: Array.from(unitSeries(activations, unitRef.layer, unitRef.signal, unitRef.unit)) } } : {}),
        ...(showFind
          ? {
              find: rankings.map((r) => ({
                property: r.property.key,
                name: r.property.name,
                absent: r.absent,
                units: r.units.map((u) => ({ ...ref(u), r: u.r })),
                preview: r.absent === null ? previewWindow(r.values, 60) : null,
              })),
            }
          : {}),
        ...(showGates ? { gates: stats.map((s) => ({ layer: s.layer + 1, gate: s.gate, left: Array.from(s.left), right: Array.from(s.right) })), readings } : {}),
      })}\n`,
    );
    return;
  }

  const width = o.width ?? (process.stdout.isTTY ? Math.max(MIN_WIDTH, process.stdout.columns ?? 80) : 80);
  const color = colorFromEnv() && (process.stdout.isTTY === true || (process.env['FORCE_COLOR'] ?? '') !== '');
  const report = { width, color };
  const bold = (s: string) => (color ? `\x1b[1m${s}\x1b[0m` : s);
  const relative = path.relative(process.cwd(), checkpoint.dir);
  const name = relative === '' || relative.startsWith('..') ? checkpoint.dir : relative;
  const lines: string[] = [
    // Names from disk (directories, the corpus recorded in charnn.json) are escaped.
    ...wrapWords(escapeControls(`${name}: ${cellName} ${config.layers}×${config.hidden}, step ${meta.progress.step.toLocaleString('en-US')}, over ${text.chars.length.toLocaleString('en-US')} characters of ${text.source}`), width),
    ...wrapWords(`Units are layer:unit, layers from 1 (next to the input), units from 0. ${[...wanted].filter((s) => s === 'h' || s === 'c').map((s) => `${s} = ${SIGNAL_LABELS[s]}`).join(', ')}`, width),
  ];
  if (unitRef) {
    lines.push('', bold(`unit ${unitLabel(unitRef)} (${SIGNAL_LABELS[unitRef.signal]})`), ...unitView(activations, text.chars, unitRef, report));
  }
  if (showFind) {
    lines.push('', bold('UNITS THAT TRACK PROPERTIES OF THE TEXT'), ...wrapWords('r: correlation of the unit with the property over the whole text; each preview paints the stretch where the property changes most.', width), '');
    lines.push(...findReport(rankings, activations, text.chars, report));
  }
  if (showGates) lines.push('', bold('GATE SATURATION'), ...gateReport(stats, report));
  else if (showFind && gates.length === 0) lines.push('', 'A plain RNN has no gates: no gate saturation to show.');
  await writeOut(`${lines.join('\n')}\n`);
}
