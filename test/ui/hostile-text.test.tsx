/**
 * Text from a model or a checkpoint never reaches a terminal raw, whichever
 * face shows it: escape sequences (window title, OSC 52 clipboard, CSI),
 * other C0/C1 controls, DEL and bidi overrides in samples, corpus names,
 * paths, warnings and errors go through the one sanitiser
 * (src/util/escape.ts) in the --no-ui lines, the dashboard, the sampler's
 * rows, compare's frame and lines, novelty notes and usage errors; JSON
 * events stay exact JSON of the same values.
 */
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { usageErrorLine } from '../../src/cli/main.js';
import { noveltyNote } from '../../src/cli/generate-novelty.js';
import type { CompareEvent } from '../../src/compare/compare.js';
import type { TrainEvent } from '../../src/train/events.js';
import { compareFrame } from '../../src/ui/compare/CompareApp.js';
import { initialCompareState, reduceCompare } from '../../src/ui/compare/compare-state.js';
import { budgetLine, sampleLines } from '../../src/ui/compare/tables.js';
import { sanitizeInput } from '../../src/ui/sample/line-editor.js';
import { headerRow as samplerHeaderRow, messageRows } from '../../src/ui/sample/sampler-rows.js';
import { appendCells, transcriptRows, userCells, type Block } from '../../src/ui/sample/transcript.js';
import { rowText } from '../../src/ui/shared/Line.js';
import { Dashboard } from '../../src/ui/train/Dashboard.js';
import { createJsonReporter, createPlainReporter } from '../../src/ui/train/reporters.js';
import { evalEvent, reduceAll, runInfo, stepEvent } from './fixtures.js';

/** Everything that must not reach a terminal raw: title and clipboard OSCs, CSI (7- and 8-bit), C0, C1, DEL, every bidi control. */
const HOSTILE =
  'x\u001b]0;PWNED\u0007\u001b]52;c;aGk=\u001b\\\u001b[2J\u009b2J\u0085\u0000\u0008\u007f' +
  '\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\r\ny\rz\tw';
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
// Line breaks between lines of a frame or a report are fine; nothing else is.
// eslint-disable-next-line no-control-regex
const RAW_BUT_LF = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function expectClean(text: string, where: string): void {
  const m = RAW_BUT_LF.exec(text);
  expect(m, `${where}: U+${m?.[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${m?.index} in ${JSON.stringify(text)}`).toBeNull();
}

const hostileRun: TrainEvent[] = [
  {
    type: 'start',
    info: runInfo({ corpusName: `corpus${HOSTILE}.txt`, outDir: `/runs/out${HOSTILE}`, resumedFrom: `/runs/old${HOSTILE}`, notes: [`note${HOSTILE}`] }),
  },
  stepEvent(1),
  evalEvent(200, Infinity),
  { type: 'sample', step: 200, samples: [{ temperature: 0.8, text: `sample${HOSTILE}` }, { temperature: 1, text: HOSTILE }] },
  { type: 'checkpoint', step: 200, kind: 'latest', path: `/runs/out${HOSTILE}/latest` },
  { type: 'checkpoint', step: 200, kind: 'best', path: `/runs/out${HOSTILE}/best` },
  { type: 'warning', step: 201, message: `warning${HOSTILE}` },
  { type: 'note', step: 201, message: `note${HOSTILE}` },
];
const failed: TrainEvent = { type: 'error', step: 202, message: `corpus${HOSTILE} is damaged` };
const finished: TrainEvent = {
  type: 'done', step: 202, reason: 'stopped', elapsedMs: 1000, sessionMs: 1000, bestValLoss: 1.5,
  latestPath: `/runs/out${HOSTILE}/latest`, bestPath: `/runs/out${HOSTILE}/best`,
};

describe('training faces', () => {
  it('--no-ui lines show every sample, name, path, note, warning and error with nothing raw', () => {
    const lines: string[] = [];
    const report = createPlainReporter((line) => lines.push(line));
    for (const e of [...hostileRun, failed, finished]) report(e);
    for (const line of lines) expectClean(line, 'plain line');
    expect(lines.some((l) => l.includes('\\x1b]0;PWNED\\x07'))).toBe(true); // the corpus name, escaped visibly
    // Each unsafe character is one U+FFFD.
    expect(lines).toContain('  │ samplex\ufffd]0;PWNED\ufffd\ufffd]52;c;aGk=\ufffd\\\ufffd[2J\ufffd2J\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd');
    // Line breaks of the sample (CR LF, a lone CR) are its lines; a tab a space.
    expect(lines).toContain('  │ y');
    expect(lines).toContain('  │ z w');
  });

  it('--json events are exact JSON of the same values, with nothing raw', () => {
    const events = [...hostileRun, failed, finished];
    const lines: string[] = [];
    const report = createJsonReporter((line) => lines.push(line));
    for (const e of events) report(e);
    for (const line of lines) expect(line).not.toMatch(RAW);
    expect(lines.map((l) => JSON.parse(l))).toEqual(events);
  });

  it('the dashboard shows them with nothing raw, while running, after an error and when done', () => {
    const running = reduceAll(hostileRun);
    for (const [state, what] of [[running, 'running'], [reduceAll([failed], running), 'error'], [reduceAll([finished], running), 'done']] as const) {
      for (const width of [60, 120]) {
        const { lastFrame, unmount } = render(<Dashboard state={state} width={width} height={30} color={false} temperature={0.8} />);
        const frame = lastFrame() ?? '';
        unmount();
        expectClean(frame, `dashboard ${what} ${width}`);
        expect(frame).toContain('\ufffd'); // the samples (or the error) were shown, made harmless
      }
    }
  });
});

describe('sampler rows', () => {
  it('the transcript, the header and messages show model text with nothing raw', () => {
    const blocks: Block[] = [];
    appendCells(blocks, userCells('typed '));
    appendCells(blocks, Array.from(HOSTILE, (ch) => ({ ch, kind: 'gen' as const, prob: 0.5 })));
    for (const heat of [false, true]) {
      const text = transcriptRows(blocks, 40, 20, heat).map(rowText).join('\n');
      expectClean(text, `transcript heat=${heat}`);
      expect(text).toContain('PWNED');
    }
    expectClean(rowText(samplerHeaderRow({ name: `run${HOSTILE}/best` }, 0, 200)), 'sampler header');
    expectClean(messageRows(`generation failed: ${HOSTILE}`, 'error', 60).map(rowText).join('\n'), 'sampler message');
  });

  it('pasted input keeps its line breaks as \\n and loses controls and bidi overrides', () => {
    expect(sanitizeInput('a\u202eb\u001b[1mc\r\nd\te\u2066')).toBe('ab[1mc\\nd e');
    expectClean(sanitizeInput(HOSTILE), 'pasted input');
  });
});

describe('compare, novelty and usage errors', () => {
  it('compare shows corpus names, samples and warnings with nothing raw', () => {
    const budget = { maxSteps: 100, maxTimeMs: null, batchSize: 8, seqLen: 32, seed: 1, lr: 0.002, evalEvery: 50, evalBatches: 2, engine: 'ort' };
    const events: CompareEvent[] = [
      { type: 'plan', corpus: `c${HOSTILE}`, match: 'hidden', budget, runs: [{ cell: 'gru', hidden: 32, params: 100 }] },
      { type: 'train', cell: 'gru', index: 0, event: { type: 'sample', step: 50, samples: [{ temperature: 0.8, text: HOSTILE }] } },
      { type: 'train', cell: 'gru', index: 0, event: { type: 'warning', step: 51, message: HOSTILE } },
    ];
    const state = events.reduce(reduceCompare, initialCompareState());
    expectClean(compareFrame(state, 80, 30, false, false).join('\n'), 'compare frame');
    expectClean(budgetLine(budget, `c${HOSTILE}`, 'params'), 'compare budget line');
    expectClean(sampleLines([{ cell: 'gru', text: HOSTILE }]).join('\n'), 'compare samples');
  });

  it('a novelty note quotes the copied text with nothing raw', () => {
    const note = noveltyNote({ chars: 40, longest: 30, longestText: HOSTILE, longestAt: 0, copiedShare: 0.5, copiedChars: 20, minRun: 20 }, (t) => t);
    expectClean(note, 'novelty note');
    expect(note).toContain('PWNED');
  });

  it('a usage error quoting an argument (a file name from a glob) has nothing raw', () => {
    expectClean(usageErrorLine(`error: too many arguments: 'a${HOSTILE}'`, 'charnn eval'), 'usage error');
  });
});
