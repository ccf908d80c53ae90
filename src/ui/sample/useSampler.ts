/**
 * The sampler's one hook: it holds the conversation, feeds typed text to
 * the model and streams its continuation in, and handles the keys. It
 * returns what a frame shows (SamplerView); SamplerScreen draws it.
 *
 * The conversation lives in a mutable store (a ref): generation appends to
 * it between model steps, and React re-renders at most every
 * `flushIntervalMs` while text streams in, at once after a key press.
 */
import { useCallback, useEffect, useReducer, useRef } from 'react';
import { useApp, useInput, useStdin } from 'ink';
import { showChar } from '../../data/vocabulary.js';
import type { Candidate, InteractiveSession, UnitLimits, WatchedUnit } from '../../sample/session.js';
import { Rng } from '../../util/rng.js';
import {
  browse,
  deleteBack,
  deleteWordBack,
  editFrom,
  editText,
  emptyEdit,
  emptyHistory,
  insert,
  moveTo,
  remember,
  type EditState,
  type EditKey,
  type History,
  typedSteps,
} from './line-editor.js';
import type { MessageTone } from './sampler-rows.js';
import { DEFAULT_SAMPLER_SETTINGS, interpretInput, unescapeInput, type SamplerSettings } from './settings.js';
import { appendCells, appendNote, userCells, type Block } from './transcript.js';

export interface SamplerOptions {
  session: InteractiveSession;
  settings?: Partial<SamplerSettings>;
  /** The generator for a seed (default `new Rng(seed)`). */
  rngFor?: (seed: number) => Rng;
  /** A new seed when seeds are random. */
  randomSeed?: () => number;
  /** Sent once at start, as if typed. */
  initialPrime?: string;
  /** Longest wait between frames while text streams in (default 40 ms). */
  flushIntervalMs?: number;
}

/** Everything a frame of the sampler shows. */
export interface SamplerView {
  blocks: readonly Block[];
  settings: SamplerSettings;
  edit: EditState;
  message: { text: string; tone: MessageTone } | null;
  /** The /help box is open. */
  help: boolean;
  /** The first /help line shown (↑↓ PgUp PgDn scroll it). */
  helpScroll: number;
  generating: { done: number; total: number } | null;
  /** The seed of the last generation. */
  lastSeed: number | null;
  /** Characters the model has read since the last reset. */
  position: number;
  /** The most likely next characters, when /top is on. */
  candidates: Candidate[] | null;
}

interface Store {
  blocks: Block[];
  settings: SamplerSettings;
  edit: EditState;
  history: History;
  message: { text: string; tone: MessageTone } | null;
  /** The /help box is open (Esc or the next Enter closes it). */
  help: boolean;
  helpScroll: number;
  generating: { done: number; total: number } | null;
  stopRequested: boolean;
  lastSeed: number | null;
  closed: boolean;
}

const WELCOME =
  'Type some text and press Enter: the model continues it, and the next text continues the conversation. /help lists the commands.';

const defaultRandomSeed = (): number => Math.floor(Math.random() * 2 ** 31);

/** Why a /unit cannot be watched in this session, or null. */
function unitProblem(unit: WatchedUnit, limits: UnitLimits | undefined): string | null {
  if (!limits) return 'this session cannot show units';
  if (!limits.signals.includes(unit.signal)) return `this model has no ${unit.signal} state (only ${limits.signals.join(', ')})`;
  if (unit.layer >= limits.layers || unit.unit >= limits.hidden) {
    return `no unit ${unit.layer + 1}:${unit.unit}: the model has ${limits.layers} layer${limits.layers === 1 ? '' : 's'} of ${limits.hidden} units (1:0 … ${limits.layers}:${limits.hidden - 1})`;
  }
  return null;
}

function describeMissing(missing: string[]): string {
  const shown = missing.slice(0, 8).map(showChar).join(' ');
  const more = missing.length > 8 ? ` and ${missing.length - 8} more` : '';
  return `not in the model's vocabulary: ${shown}${more} (nothing was sent; edit the text)`;
}

/** How far the /help box can scroll at the current size, from the last frame's layout. */
export interface HelpScroll {
  /** The largest first line (0: the whole help shows, and ↑↓ recall earlier lines as usual). */
  max: number;
  /** Lines PgUp/PgDn move. */
  page: number;
}

/**
 * @param helpScroll the last frame's help layout (SamplerApp writes it), so
 *   that the help's keys stop at its ends; none: the help does not scroll.
 */
export function useSampler(props: SamplerOptions, helpScroll?: { readonly current: HelpScroll }): SamplerView {
  const { session } = props;
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const [, forceRender] = useReducer((n: number) => n + 1, 0);
  const flushMs = props.flushIntervalMs ?? 40;

  const store = useRef<Store | null>(null);
  if (store.current === null) {
    store.current = {
      blocks: [{ kind: 'note', text: WELCOME, tone: 'info' }],
      settings: { ...DEFAULT_SAMPLER_SETTINGS, ...props.settings },
      edit: emptyEdit(),
      history: emptyHistory(),
      message: null,
      help: false,
      helpScroll: 0,
      generating: null,
      stopRequested: false,
      lastSeed: null,
      closed: false,
    };
  }
  const st = store.current;

  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const renderNow = useCallback(() => {
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = null;
    if (!st.closed) forceRender();
  }, [st]);
  const renderSoon = useCallback(() => {
    if (timer.current === null) timer.current = setTimeout(renderNow, flushMs);
  }, [renderNow, flushMs]);

  const say = (text: string, tone: MessageTone = 'info') => {
    st.message = { text, tone };
  };

  const generateNow = async (): Promise<void> => {
    const s = st.settings;
    const seed = s.seed ?? (props.randomSeed ?? defaultRandomSeed)();
    st.lastSeed = seed;
    const rng = (props.rngFor ?? ((n: number) => new Rng(n)))(seed);
    const progress = { done: 0, total: s.length };
    st.generating = progress;
    st.stopRequested = false;
    renderNow();
    try {
      const chars = session.generate(s.length, { temperature: s.temperature, topK: s.topK, topP: s.topP }, rng, () => st.stopRequested || st.closed);
      for await (const c of chars) {
        // The watched unit's value once the model has read this character (h as it is, c through tanh).
        const watched = st.settings.unit;
        const raw = watched && session.unitValue ? session.unitValue(watched) : undefined;
        const unit = raw === undefined ? undefined : watched!.signal === 'c' ? Math.tanh(raw) : raw;
        appendCells(st.blocks, [{ ch: c.char, kind: 'gen', prob: c.prob, unit }]);
        progress.done++;
        renderSoon();
      }
      if (st.stopRequested && !st.closed) say(`stopped after ${progress.done} of ${progress.total} characters; Enter continues from there`);
    } catch (error) {
      say(`generation failed: ${(error as Error).message}`, 'error');
    } finally {
      st.generating = null;
      st.stopRequested = false;
      renderNow();
    }
  };

  const quit = () => {
    st.stopRequested = true;
    st.closed = true;
    if (timer.current !== null) clearTimeout(timer.current);
    exit();
  };

  /** Act on a submitted line; returns whether the input line should be cleared. */
  const submit = (line: string): boolean => {
    const action = interpretInput(line, st.settings);
    switch (action.kind) {
      case 'text': {
        if (st.generating) {
          say('the model is still writing: press Esc to stop it first', 'error');
          return false;
        }
        const text = unescapeInput(action.text);
        const fed = session.feed(text);
        if (!fed.ok) {
          say(describeMissing(fed.missing), 'error');
          return false;
        }
        appendCells(st.blocks, userCells(text));
        st.message = null;
        void generateNow();
        return true;
      }
      case 'settings': {
        const unit = action.settings.unit;
        if (unit && unit !== st.settings.unit) {
          const problem = unitProblem(unit, session.units);
          if (problem) {
            say(problem, 'error');
            return false;
          }
        }
        st.settings = action.settings;
        say(st.generating ? `${action.message} (from the next generation)` : action.message);
        return true;
      }
      case 'reset':
        if (st.generating) {
          say('the model is still writing: press Esc to stop it, then /reset', 'error');
          return false;
        }
        session.reset();
        appendNote(st.blocks, '── context reset: the model starts from a fresh state ──');
        say('context reset');
        return true;
      case 'help':
        st.help = true;
        st.helpScroll = 0;
        st.message = null;
        return true;
      case 'quit':
        quit();
        return true;
      case 'error':
        say(action.message, 'error');
        return false;
    }
  };

  const enter = () => {
    if (st.closed) return;
    const line = editText(st.edit);
    if (submit(line) && !st.closed) {
      st.history = remember(st.history, line);
      st.edit = emptyEdit();
    }
  };

  /** Inside a bracketed paste (the terminal marks pastes when asked to; see render-sampler). */
  const pasting = useRef(false);

  /** Act on one editing key, typed alone or found inside a chunk. */
  const press = (key: EditKey) => {
    switch (key) {
      case 'interrupt':
        quit();
        return;
      case 'escape':
        // Esc closes the help box first, then stops the model.
        if (st.help) st.help = false;
        else if (st.generating) st.stopRequested = true;
        else st.message = null;
        return;
      case 'enter':
        if (pasting.current) st.edit = insert(st.edit, '\n');
        else {
          st.help = false;
          enter();
        }
        return;
      case 'tab':
        st.settings = { ...st.settings, heat: !st.settings.heat };
        return;
      case 'home':
        st.edit = moveTo(st.edit, 0);
        return;
      case 'end':
        st.edit = moveTo(st.edit, st.edit.chars.length);
        return;
      case 'backspace':
        st.edit = deleteBack(st.edit);
        return;
      case 'kill-line':
        st.edit = emptyEdit();
        return;
      case 'kill-word':
        st.edit = deleteWordBack(st.edit);
        return;
    }
  };

  /**
   * Several keys in one read (typed ahead while the app was busy, a paste,
   * tmux send-keys): each acts as if typed alone, so every Enter sends and
   * Ctrl-U clears. In a paste, line breaks stay in the text (as \n) instead,
   * so a pasted paragraph is one prompt.
   */
  const typedAhead = (input: string) => {
    for (const step of typedSteps(input, pasting.current)) {
      if (st.closed) return;
      if ('key' in step) press(step.key);
      else st.edit = insert(st.edit, step.text);
    }
  };

  useInput(
    (input, key) => {
      if (st.closed) return;
      if (key.ctrl && input === 'c') {
        quit();
        return;
      }
      if (input === '[200~' || input === '[201~') {
        pasting.current = input === '[200~';
        return;
      }
      if (key.escape) press('escape');
      else if (key.return) press('enter');
      else if (st.help && (helpScroll?.current.max ?? 0) > 0 && (key.upArrow || key.downArrow || key.pageUp || key.pageDown)) {
        // An open help box that does not fit scrolls: ↑↓ a line, PgUp/PgDn a page.
        const { max, page } = helpScroll!.current;
        const by = key.upArrow ? -1 : key.downArrow ? 1 : key.pageUp ? -page : page;
        st.helpScroll = Math.max(0, Math.min(max, Math.min(st.helpScroll, max) + by));
      } else if (key.tab) {
        if (key.shift) st.settings = { ...st.settings, top: !st.settings.top };
        else press('tab');
      } else if (key.upArrow || key.downArrow) {
        const r = browse(st.history, editText(st.edit), key.upArrow ? -1 : 1);
        if (r) {
          st.history = r.history;
          st.edit = editFrom(r.text);
        }
      } else if (key.leftArrow) st.edit = moveTo(st.edit, st.edit.cursor - 1);
      else if (key.rightArrow) st.edit = moveTo(st.edit, st.edit.cursor + 1);
      else if (key.home || (key.ctrl && input === 'a')) press('home');
      else if (key.end || (key.ctrl && input === 'e')) press('end');
      else if (key.backspace || key.delete) press('backspace');
      else if (key.ctrl && input === 'u') press('kill-line');
      else if (key.ctrl && input === 'w') press('kill-word');
      else if (key.ctrl || key.meta || input === '') return;
      else if (Array.from(input).length > 1 || /[\x00-\x1f\x7f]/.test(input)) typedAhead(input);
      else st.edit = insert(st.edit, input);
      if (st.closed) return;
      renderNow();
    },
    { isActive: isRawModeSupported === true },
  );

  // The optional first prime, once; and stop generating when unmounted.
  useEffect(() => {
    if (props.initialPrime !== undefined && props.initialPrime !== '') {
      if (!submit(props.initialPrime)) st.edit = editFrom(props.initialPrime);
      renderNow();
    }
    return () => {
      st.closed = true;
      st.stopRequested = true;
      if (timer.current !== null) clearTimeout(timer.current);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return {
    blocks: st.blocks,
    settings: st.settings,
    edit: st.edit,
    message: st.message,
    help: st.help,
    helpScroll: st.helpScroll,
    generating: st.generating ? { ...st.generating } : null,
    lastSeed: st.lastSeed,
    position: session.position,
    candidates: st.settings.top ? session.topCandidates(5) : null,
  };
}
