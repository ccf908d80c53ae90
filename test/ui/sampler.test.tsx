import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { initBackend } from '../../src/engine/tfjs/backend/index.js';
import { Vocabulary } from '../../src/data/vocabulary.js';
import { CharRnn } from '../../src/engine/tfjs/char-rnn.js';
import { arraysToParams, disposeParams } from '../../src/engine/tfjs/param-tensors.js';
import { initParamArrays } from '../../src/model/params.js';
import { Sampler } from '../../src/sample/sampler.js';
import { TfjsStepModel } from '../../src/engine/tfjs/engine.js';
import { SamplingSession, type WatchedUnit } from '../../src/sample/session.js';
import { SamplerApp, type SamplerAppProps } from '../../src/ui/sample/SamplerApp.js';
import { renderSampler } from '../../src/ui/sample/render-sampler.js';
import { DEFAULT_SAMPLER_SETTINGS, helpLines, interpretInput } from '../../src/ui/sample/settings.js';
import { Rng } from '../../src/util/rng.js';
import { FakeStdin, FakeStdout, columns, eventually, sleep, strip } from './fixtures.js';

// Styles reach the fake terminal only when chalk (loaded by Ink) believes in colour.
vi.hoisted(() => {
  process.env['FORCE_COLOR'] = '1';
});

const ESC = '\u001B';
const CTRL_C = '\u0003';
const TAB = '\t';
const SHIFT_TAB = '\u001B[Z';
const BACKSPACE = '\u007F';

const vocab = Vocabulary.fromText('abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ\n.,:;!?\'-');
const config = { cell: 'lstm' as const, vocabSize: vocab.size, embedding: 8, hidden: 16, layers: 1, dropout: 0 };
let model: CharRnn;
let sampler: Sampler;
const sessions: SamplingSession[] = [];

beforeAll(async () => {
  await initBackend('wasm');
  // Random weights whose predictions hang on the context, as a trained model's do: the output layer ×10.
  const weights = initParamArrays(config, new Rng(1));
  weights.set('output.kernel', weights.get('output.kernel')!.map((x) => 10 * x));
  model = new CharRnn(config, arraysToParams(config, weights));
  sampler = new Sampler(TfjsStepModel.of(model));
});

afterEach(() => {
  cleanup();
  for (const s of sessions.splice(0)) s.dispose();
});

afterAll(() => {
  sampler.dispose();
  disposeParams(model.params);
});

function mount(props: Partial<SamplerAppProps> = {}) {
  const session = new SamplingSession(sampler, vocab);
  sessions.push(session);
  const app = render(
    <SamplerApp session={session} color={false} header={{ name: 'test/best', model: 'LSTM 1×16', vocabSize: vocab.size }} flushIntervalMs={10} {...props} />,
  );
  const frame = () => strip(app.lastFrame());
  const inputLine = () => frame().split('\n').find((l) => l.startsWith('› ')) ?? '';
  const type = async (text: string) => {
    // One key at a time, as typed.
    for (const ch of text) app.stdin.write(ch);
    await eventually(() => expect(inputLine().trimEnd().endsWith(text.trimEnd())).toBe(true));
  };
  const enter = () => app.stdin.write('\r');
  const transcript = () => {
    const lines = frame().split('\n');
    return lines.slice(1, lines.findIndex((l) => l.startsWith('› ')) - 0).join('\n');
  };
  return { session, app, frame, inputLine, type, enter, transcript };
}

describe('SamplerApp', () => {
  it('shows the controls, the keys and an empty prompt', async () => {
    const { frame } = mount();
    await eventually(() => expect(frame()).toContain('READY'));
    const f = frame();
    expect(f).toContain('charnn sample · test/best · LSTM 1×16 · fresh state');
    expect(f).toMatch(/T 0\.8 +top-k off +top-p off +len 200 +seed random +heat off +top5 off/);
    expect(f).toContain('Enter send');
    expect(f).toContain('Esc stop');
    expect(f).toContain('/help');
    expect(f).toContain('Type some text and press Enter');
    const lines = f.split('\n');
    expect(lines.length).toBeLessThanOrEqual(23);
    for (const line of lines) expect(columns(line)).toBeLessThanOrEqual(100);
  });

  it('typing + Enter feeds the text and streams the continuation in', async () => {
    const { app, frame, type, enter, session } = mount({ settings: { length: 300 } });
    await type('the cat ');
    enter();
    // Streaming: a frame shows a partial generation before it is complete.
    await eventually(() => expect(frame()).toMatch(/GENERATING \d+\/300/));
    await eventually(() => expect(frame()).toContain('READY'));
    expect(session.position).toBe(8 + 300);
    const frames = app.frames.map(strip);
    const progress = frames.map((f) => /GENERATING (\d+)\/300/.exec(f)?.[1]).filter((x): x is string => x !== undefined).map(Number);
    expect(new Set(progress).size).toBeGreaterThan(1);
    expect(frame()).toContain('the cat ');
    expect(frame()).toMatch(/context 308 chars/);
    // The input was cleared, and remembered: ↑ brings it back.
    expect(frame()).toMatch(/› +type text/);
    app.stdin.write('\u001B[A');
    await eventually(() => expect(frame()).toContain('› the cat'));
  });

  it('a slash command changes a setting shown on screen; bad values get an inline message', async () => {
    const { app, frame, type, enter } = mount();
    await type('/temp 0.3');
    enter();
    await eventually(() => expect(frame()).toMatch(/T 0\.3 +top-k/));
    expect(frame()).toContain('✓ temperature 0.3');
    await type('/topk 5');
    enter();
    await eventually(() => expect(frame()).toMatch(/top-k 5 /));
    await type('/seed 42');
    enter();
    await eventually(() => expect(frame()).toMatch(/seed 42 /));
    await type('/len 50');
    enter();
    await eventually(() => expect(frame()).toMatch(/len 50 /));
    await type('/topp 1.5');
    enter();
    await eventually(() => expect(frame()).toContain('✗ /topp needs a number above 0 and at most 1'));
    // The rejected line stays for editing.
    expect(frame()).toContain('› /topp 1.5');
    app.stdin.write('\u0015'); // Ctrl-U clears the line
    await eventually(() => expect(frame()).toMatch(/› +type text/));
    await type('/frobnicate');
    enter();
    await eventually(() => expect(frame()).toContain('unknown command /'));
  });

  it('/heat and Tab toggle the heat map, /top and Shift-Tab the next-character candidates', async () => {
    const { app, frame, type, enter } = mount({ settings: { length: 20 } });
    await type('/heat');
    enter();
    await eventually(() => expect(frame()).toContain('heat plain≥50% under≥20% inv<20%'));
    app.stdin.write(TAB);
    await eventually(() => expect(frame()).toMatch(/heat off/));
    app.stdin.write(SHIFT_TAB);
    await eventually(() => expect(frame()).toMatch(/^next +"\S+" \d/m));
    const next = /^next +"(\S+)" (\d+(?:\.\d)?)%/m.exec(frame())!;
    expect(Number(next[2])).toBeGreaterThan(0);
    await type('/top off');
    enter();
    await eventually(() => expect(frame()).not.toMatch(/^next /m));
  });

  it('colours generated characters by probability; without colour: underline and inverse', async () => {
    for (const color of [false, true]) {
      const { app, type, enter, frame } = mount({ color, settings: { length: 60, heat: true, temperature: 2 } });
      await type('a');
      enter();
      await eventually(() => expect(frame()).toContain('context 61 chars'));
      await eventually(() => expect(frame()).toContain('READY'));
      // A random tiny model spreads probability thinly: most characters are below 20%.
      const raw = app.lastFrame()!;
      if (color) {
        expect(raw).toContain('\u001B[31m'); // red
      } else {
        expect(raw).toContain('\u001B[7m'); // inverse
        expect(raw).not.toMatch(/\u001B\[3[1-7]m/); // and no colour at all
      }
      app.unmount();
    }
  });

  it('names characters outside the vocabulary inline and sends nothing', async () => {
    const { app, frame, type, enter, session } = mount({ settings: { length: 10 } });
    await type('café 1');
    enter();
    await eventually(() => expect(frame()).toContain(`✗ not in the model's vocabulary: "é" "1"`));
    expect(session.position).toBe(0);
    expect(frame()).toContain('› café 1');
    expect(frame()).toContain('READY');
    // Fix the text and send it.
    for (let i = 0; i < 3; i++) app.stdin.write(BACKSPACE);
    await eventually(() => expect(frame()).toMatch(/› caf *$/m));
    enter();
    await eventually(() => expect(session.position).toBe(3 + 10));
    await eventually(() => expect(frame()).not.toContain('vocabulary'));
  });

  it('Esc stops a running generation, and Enter on an empty line continues it', async () => {
    const { app, frame, type, enter, session } = mount({ settings: { length: 100_000 } });
    await type('go');
    enter();
    await eventually(() => expect(frame()).toMatch(/GENERATING \d+\/100000/));
    app.stdin.write(ESC);
    await eventually(() => expect(frame()).toContain('READY'));
    const stoppedAt = session.position;
    expect(stoppedAt).toBeLessThan(2 + 100_000);
    expect(frame()).toMatch(/stopped after \d+ of 100000 characters/);
    await sleep(50);
    expect(session.position).toBe(stoppedAt);
    // Enter with nothing typed: the model carries on from where it stopped.
    enter();
    await eventually(() => expect(session.position).toBeGreaterThan(stoppedAt));
    app.stdin.write(ESC);
    await eventually(() => expect(frame()).toContain('READY'));
  });

  it('/reset forgets the context; a fixed seed then repeats the same text', async () => {
    const { frame, type, enter, session } = mount({ settings: { length: 40, seed: 7 } });
    // Record what each generation produced.
    const texts: string[] = [];
    const original = session.generate.bind(session);
    session.generate = async function* (...args: Parameters<typeof original>) {
      let text = '';
      for await (const c of original(...args)) {
        text += c.char;
        yield c;
      }
      texts.push(text);
    };
    const generated = async (prime: string) => {
      await type(prime);
      const before = session.position;
      enter();
      await eventually(() => expect(session.position).toBe(before + prime.length + 40));
      await eventually(() => expect(frame()).toContain('READY'));
    };
    await generated('ab');
    await generated('cd');
    expect(texts[1]).not.toBe(texts[0]); // the context differs
    await type('/reset');
    enter();
    await eventually(() => expect(frame()).toContain('context reset'));
    expect(session.position).toBe(0);
    expect(frame()).toContain('fresh state');
    await generated('ab');
    expect(texts).toHaveLength(3);
    expect(texts[2]).toBe(texts[0]);
    const afterReset = frame().split('context reset')[1]!;
    expect(afterReset).toContain('ab' + texts[0]!.split('\n')[0]!.slice(0, 10));
  });

  it('edits the input line: Backspace, and \\n in the text is a line break', async () => {
    const { app, frame, type, enter, session } = mount({ settings: { length: 5 } });
    await type('abX');
    app.stdin.write(BACKSPACE);
    await eventually(() => expect(frame()).toMatch(/› ab *$/m));
    await type('ab\\nc'.slice(2));
    enter();
    await eventually(() => expect(session.position).toBe(4 + 5));
  });

  it('keys typed ahead in one read are handled in order: Enter sends', async () => {
    const { app, frame, session } = mount({ settings: { length: 5 } });
    app.stdin.write('/len 7\rhi\r');
    await eventually(() => expect(session.position).toBe(2 + 7));
    await eventually(() => expect(frame()).toMatch(/len 7 /));
  });

  it('a chunk with editing keys inside (send-keys C-u text, a paste with Ctrl-W) acts on them, never inserting them raw', async () => {
    const { app, inputLine, type } = mount({ settings: { length: 5 } });
    await type('old words');
    app.stdin.write('\u0015fresh');
    await eventually(() => expect(inputLine().trimEnd()).toBe('› fresh'));
    app.stdin.write('\u001B[200~ one two\u0017three\u001B[201~');
    await eventually(() => expect(inputLine().trimEnd()).toBe('› fresh one three'));
    expect(inputLine()).not.toMatch(/[\u0000-\u001f\u007f]/);
  });

  it('/help opens a box over the end of the transcript that Esc closes; the conversation stays', async () => {
    const { frame, type, enter, app, transcript, session } = mount({ settings: { length: 5, seed: 1 } });
    await type('hello');
    enter();
    await eventually(() => expect(session.position).toBe(10));
    await eventually(() => expect(frame()).toContain('READY'));
    const before = transcript();
    expect(before).toContain('hello');
    await type('/help');
    enter();
    await eventually(() => expect(frame()).toContain('┌─ charnn sample: keys and commands'));
    expect(frame()).toMatch(/└─ (lines \d+–\d+ of \d+ · ↑↓ PgUp PgDn scroll · )?Esc closes ─+┘/);
    expect(frame()).toMatch(/│ +\/topp X +sample from the smallest set/);
    app.stdin.write(ESC);
    await eventually(() => expect(frame()).not.toContain('Esc closes'));
    expect(transcript()).toBe(before);
  });

  it('fits the help box and a long error at 80×24, wrapped, nothing cut', async () => {
    const session = new SamplingSession(sampler, vocab);
    sessions.push(session);
    const stdout = new FakeStdout(true);
    const stdin = new FakeStdin();
    const handle = renderSampler({
      session, color: false, header: { name: 'narrow' },
      stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, patchConsole: false,
    });
    const last = () => strip(stdout.output.split('\u001B[2J').at(-1)).split('\n').slice(-24).join('\n');
    await eventually(() => expect(strip(stdout.output)).toContain('READY'));
    for (const ch of '/temp hot') stdin.write(ch);
    stdin.write('\r');
    await eventually(() => expect(strip(stdout.output)).toContain('(0 = always the most likely'));
    const error = strip(stdout.output);
    expect(error).toMatch(/✗ \/temp needs a number from 0 to 100 \(0 = always the most likely/);
    expect(error.replace(/\s+/g, ' ')).toContain('character), not "hot"');
    expect(error).not.toMatch(/no…/);
    stdin.write('\u0015');
    for (const ch of '/help') stdin.write(ch);
    stdin.write('\r');
    await eventually(() => expect(strip(stdout.output)).toContain('Esc closes'));
    for (const line of last().split('\n')) expect(columns(line)).toBeLessThanOrEqual(80);
    stdin.write(CTRL_C);
    await handle.waitUntilExit();
  });

  it('/help at 80×24 scrolls to its last line and back (↑↓ a line, PgUp/PgDn a page) and says so', async () => {
    const session = new SamplingSession(sampler, vocab);
    sessions.push(session);
    const stdout = new FakeStdout(true);
    const stdin = new FakeStdin();
    const handle = renderSampler({
      session, color: false, header: { name: 'help' },
      stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, patchConsole: false,
    });
    const last = () => strip(stdout.output).split('\n').slice(-24).join('\n');
    const shown = () => /└─ lines (\d+)–(\d+) of (\d+) · ↑↓ PgUp PgDn scroll · Esc closes ─*┘/.exec(last())?.slice(1).map(Number) ?? null;
    await eventually(() => expect(strip(stdout.output)).toContain('READY'));
    for (const ch of '/help') stdin.write(ch);
    stdin.write('\r');
    await eventually(() => expect(shown()?.[0]).toBe(1));
    const [, end, total] = shown()!;
    expect(end).toBeLessThan(total!);
    expect(last()).toContain('│ Type text and press Enter');
    expect(last()).not.toContain('deletes a word.');
    // PgDn a page at a time, to the end, where it stops.
    const starts = [1];
    for (let i = 0; i < 10 && shown()![1] !== total; i++) {
      const before = shown()![0]!;
      stdin.write('\u001B[6~');
      await eventually(() => expect(shown()![0]).toBeGreaterThan(before));
      starts.push(shown()![0]!);
    }
    expect(shown()![1]).toBe(total);
    expect(last()).toContain('deletes a word.');
    expect(last()).not.toContain('│ Type text and press Enter');
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeLessThanOrEqual(end! - 1);
    // ↑ a line at a time (not the history while the box is open), PgUp back to the top.
    const bottom = shown()![0]!;
    stdin.write('\u001B[A');
    await eventually(() => expect(shown()![0]).toBe(bottom - 1));
    expect(last()).toMatch(/^› +type text/m);
    stdin.write('\u001B[B');
    await eventually(() => expect(shown()![0]).toBe(bottom));
    for (let i = 0; i < starts.length; i++) stdin.write('\u001B[5~');
    await eventually(() => expect(shown()![0]).toBe(1));
    expect(last()).toContain('│ Type text and press Enter');
    for (const line of last().split('\n')) expect(columns(line)).toBeLessThanOrEqual(80);
    // Closed, ↑ recalls the last line again.
    stdin.write(ESC);
    await eventually(() => expect(last()).not.toContain('Esc closes'));
    stdin.write('\u001B[A');
    await eventually(() => expect(last()).toMatch(/^› \/help/m));
    stdin.write(CTRL_C);
    await handle.waitUntilExit();
  });

  it('Ctrl-C and /quit exit', async () => {
    for (const quit of [CTRL_C, '/quit\r']) {
      const session = new SamplingSession(sampler, vocab);
      sessions.push(session);
      const stdout = new FakeStdout(true);
      const stdin = new FakeStdin();
      const handle = renderSampler({
        session,
        color: false,
        header: { name: 'quit-test' },
        stdout: stdout as unknown as NodeJS.WriteStream,
        stdin: stdin as unknown as NodeJS.ReadStream,
        patchConsole: false,
      });
      await eventually(() => expect(strip(stdout.output)).toContain('READY'));
      stdin.write(quit);
      await handle.waitUntilExit();
      // Bracketed paste was switched on for the terminal, and off again.
      expect(stdout.output.startsWith('\u001B[?2004h')).toBe(true);
      expect(stdout.output).toContain('\u001B[?2004l');
    }
  });
});

describe('/unit', () => {
  it('parses layer:unit (layers from 1, units from 0), h or c, and off', () => {
    const set = (line: string) => {
      const a = interpretInput(line, DEFAULT_SAMPLER_SETTINGS);
      return a.kind === 'settings' ? a.settings.unit : a.kind;
    };
    expect(set('/unit 2:17')).toEqual({ layer: 1, unit: 17, signal: 'h' });
    expect(set('/unit 1:0 c')).toEqual({ layer: 0, unit: 0, signal: 'c' });
    expect(set('/unit off')).toBeNull();
    for (const bad of ['/unit 0:1', '/unit 2:x', '/unit 2', '/unit 1:1 z', '/unit', '/unit 1:1 c extra']) expect(set(bad)).toBe('error');
    expect(helpLines(true).some((l) => l.includes('/unit L:N'))).toBe(true);
  });

  it('the session reads the unit from its state after each character', () => {
    const session = new SamplingSession(sampler, vocab);
    sessions.push(session);
    expect(session.units).toEqual({ layers: 1, hidden: 16, signals: ['h', 'c'] });
    expect(session.unitValue({ layer: 0, unit: 3, signal: 'h' })).toBe(0);
    session.feed('hello');
    const [h, c] = session.snapshot().state;
    expect(session.unitValue({ layer: 0, unit: 3, signal: 'h' })).toBe(h![3]);
    expect(session.unitValue({ layer: 0, unit: 3, signal: 'c' })).toBe(c![3]);
  });

  /** A sampler whose watched unit reads +0.9, −0.9, +0.9, … so both ends of the ramp appear. */
  function mountWatched(color: boolean) {
    const m = mount({ color, settings: { length: 30 } });
    const asked: WatchedUnit[] = [];
    m.session.unitValue = (u: WatchedUnit) => {
      asked.push(u);
      return asked.length % 2 === 1 ? 0.9 : -0.9;
    };
    const send = async (line: string) => {
      await m.type(line);
      m.enter();
    };
    return { ...m, send, asked };
  }

  it('colours generated text by the unit live, checks the unit against the model, and /unit off stops', async () => {
    const { app, frame, send, asked } = mountWatched(true);
    await send('/unit 3:0');
    await eventually(() => expect(frame()).toContain('no unit 3:0: the model has 1 layer of 16 units (1:0 … 1:15)'));
    // A refused command stays on the input line for editing: clear it (Ctrl-U).
    expect(frame()).toContain('› /unit 3:0');
    app.stdin.write('\u0015');
    await send('/unit 1:5');
    await eventually(() => expect(frame()).toContain('unit h 1:5: generated text is coloured by its value'));
    expect(frame()).toMatch(/heat off +unit h 1:5 +top5 off/);
    await send('ab');
    await eventually(() => expect(frame()).toContain('context 32 chars'));
    await eventually(() => expect(frame()).toContain('READY'));
    expect(asked).toHaveLength(30);
    expect(asked[0]).toEqual({ layer: 0, unit: 5, signal: 'h' });
    const raw = app.lastFrame()!;
    expect(raw).toContain('\u001B[48;5;196m'); // +0.9: red
    expect(raw).toContain('\u001B[48;5;21m'); // −0.9: blue
    await send('/unit off');
    await eventually(() => expect(frame()).toContain('unit colouring off'));
    expect(app.lastFrame()).not.toContain('\u001B[48;5;');
    expect(frame()).not.toContain('unit h 1:5');
  });

  it('without colour marks strong values: inverse above 0.5, underline below −0.5', async () => {
    const { app, frame, send } = mountWatched(false);
    await send('/unit 1:2 c');
    await eventually(() => expect(frame()).toContain('unit c 1:2'));
    await send('ab');
    await eventually(() => expect(frame()).toContain('context 32 chars'));
    await eventually(() => expect(frame()).toContain('READY'));
    const raw = app.lastFrame()!;
    expect(raw).toContain('\u001B[7m');
    expect(raw).toContain('\u001B[4m');
    expect(raw).not.toContain('\u001B[48;5;');
  });
});
