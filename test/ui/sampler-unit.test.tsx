/**
 * The sampler's /unit: the command and its checks, the live colouring of
 * generated text by a unit of the state (and its NO_COLOR marks), /unit off,
 * and the session reading the unit from its current state.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { initBackend } from '../../src/backend/index.js';
import { Vocabulary } from '../../src/data/vocabulary.js';
import { TfjsStepModel } from '../../src/engine/tfjs/engine.js';
import { CharRnn } from '../../src/model/char-rnn.js';
import { disposeParams, initParams } from '../../src/model/params.js';
import { Sampler } from '../../src/sample/sampler.js';
import { SamplingSession, type WatchedUnit } from '../../src/sample/session.js';
import { SamplerApp } from '../../src/ui/sample/SamplerApp.js';
import { DEFAULT_SAMPLER_SETTINGS, helpLines, interpretInput } from '../../src/ui/sample/settings.js';
import { Rng } from '../../src/util/rng.js';
import { eventually, strip } from './fixtures.js';

vi.hoisted(() => {
  process.env['FORCE_COLOR'] = '1';
});

const vocab = Vocabulary.fromText('abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ\n.,:;!?\'-');
const config = { cell: 'lstm' as const, vocabSize: vocab.size, embedding: 8, hidden: 16, layers: 1, dropout: 0 };
let model: CharRnn;
let sampler: Sampler;
const sessions: SamplingSession[] = [];

beforeAll(async () => {
  await initBackend('wasm');
  model = new CharRnn(config, initParams(config, new Rng(1)));
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

describe('/unit', () => {
  it('parses layer:unit (layers from 1, units from 0), h or c, and off', () => {
    const s = DEFAULT_SAMPLER_SETTINGS;
    const set = (line: string) => {
      const a = interpretInput(line, s);
      return a.kind === 'settings' ? a.settings.unit : a.kind;
    };
    expect(set('/unit 2:17')).toEqual({ layer: 1, unit: 17, signal: 'h' });
    expect(set('/unit 1:0 c')).toEqual({ layer: 0, unit: 0, signal: 'c' });
    expect(set('/unit off')).toBeNull();
    for (const bad of ['/unit 0:1', '/unit 2:x', '/unit 2', '/unit 1:1 z', '/unit', '/unit 1:1 c extra']) expect(set(bad)).toBe('error');
    expect(helpLines(true).some((l) => l.includes('/unit L:N'))).toBe(true);
  });

  it('reads the unit from the session state after each character', () => {
    const session = new SamplingSession(sampler, vocab);
    sessions.push(session);
    expect(session.units).toEqual({ layers: 1, hidden: 16, signals: ['h', 'c'] });
    expect(session.unitValue({ layer: 0, unit: 3, signal: 'h' })).toBe(0);
    session.feed('hello');
    const [h, c] = session.snapshot().state;
    expect(session.unitValue({ layer: 0, unit: 3, signal: 'h' })).toBe(h![3]);
    expect(session.unitValue({ layer: 0, unit: 3, signal: 'c' })).toBe(c![3]);
  });

  function mount(color: boolean) {
    const session = new SamplingSession(sampler, vocab);
    sessions.push(session);
    // Known values: +0.9, −0.9, +0.9, … so both ends of the ramp appear.
    const asked: WatchedUnit[] = [];
    session.unitValue = (u: WatchedUnit) => {
      asked.push(u);
      return asked.length % 2 === 1 ? 0.9 : -0.9;
    };
    const app = render(<SamplerApp session={session} color={color} header={{ name: 'test/best' }} settings={{ length: 30 }} flushIntervalMs={10} />);
    const frame = () => strip(app.lastFrame());
    const send = async (line: string) => {
      for (const ch of line) app.stdin.write(ch);
      await eventually(() => expect(frame()).toContain(`› ${line}`));
      app.stdin.write('\r');
    };
    return { app, frame, send, asked };
  }

  it('colours generated text by the unit live, checks the unit against the model, and /unit off stops', async () => {
    const { app, frame, send, asked } = mount(true);
    await send('/unit 3:0');
    await eventually(() => expect(frame()).toContain('no unit 3:0: the model has 1 layer of 16 units (1:0 … 1:15)'));
    // A refused command stays on the input line for editing: clear it (Ctrl-U).
    expect(frame()).toContain('› /unit 3:0');
    app.stdin.write('\u0015');
    await send('/unit 1:5');
    await eventually(() => expect(frame()).toContain('unit h 1:5: generated text is coloured by its value'));
    expect(frame()).toMatch(/heat off +unit h 1:5 +top5 off/);
    await send('ab');
    await eventually(() => expect(frame()).toContain('context 32 chars'), 10_000);
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
    const { app, frame, send } = mount(false);
    await send('/unit 1:2 c');
    await eventually(() => expect(frame()).toContain('unit c 1:2'));
    await send('ab');
    await eventually(() => expect(frame()).toContain('context 32 chars'), 10_000);
    await eventually(() => expect(frame()).toContain('READY'));
    const raw = app.lastFrame()!;
    expect(raw).toContain('\u001B[7m');
    expect(raw).toContain('\u001B[4m');
    expect(raw).not.toContain('\u001B[48;5;');
  });
});
