/** Mount the compare and gradients views on a terminal (commands call these, never JSX). */
import { render } from 'ink';
import type { CompareEvent } from '../../compare/compare.js';
import { CompareApp, type CompareSession } from './CompareApp.js';
import { GradientsView, type GradientsViewProps } from './GradientsView.js';
import { RecallView, type RecallViewProps } from './RecallView.js';
import { bufferUntilSubscribed } from '../shared/buffered-subscription.js';

interface ViewHandle<P> {
  update(props: P): void;
  /** Leaves the last frame on screen. */
  finish(): Promise<void>;
}

function buffered(session: CompareSession): CompareSession & { close(): void } {
  return { ...bufferUntilSubscribed<CompareEvent>((listener) => session.subscribe(listener)), stop: () => session.stop() };
}

export function renderCompareApp(session: CompareSession, color: boolean): { waitUntilExit(): Promise<void>; unmount(): void } {
  const b = buffered(session);
  const instance = render(<CompareApp session={b} color={color} />, { exitOnCtrlC: false, patchConsole: true });
  const exited = instance.waitUntilExit().then(() => b.close(), (error: unknown) => {
    b.close();
    throw error;
  });
  return { waitUntilExit: () => exited, unmount: () => instance.unmount() };
}

export function renderGradientsView(props: GradientsViewProps): ViewHandle<GradientsViewProps> {
  const instance = render(<GradientsView {...props} />, { exitOnCtrlC: true, patchConsole: true });
  return {
    update: (p) => instance.rerender(<GradientsView {...p} />),
    finish: async () => {
      instance.unmount();
      await instance.waitUntilExit();
    },
  };
}

export function renderRecallView(props: RecallViewProps): ViewHandle<RecallViewProps> {
  const instance = render(<RecallView {...props} />, { exitOnCtrlC: false, patchConsole: true });
  return {
    update: (p) => instance.rerender(<RecallView {...p} />),
    finish: async () => {
      instance.unmount();
      await instance.waitUntilExit();
    },
  };
}
