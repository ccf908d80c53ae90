/** Mount the interactive sampler on a terminal (commands call this, never JSX). */
import { render } from 'ink';
import { SamplerApp, type SamplerAppProps } from './SamplerApp.js';

interface RenderSamplerOptions extends SamplerAppProps {
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /** Route console.* output above the sampler instead of through it (default true). */
  patchConsole?: boolean;
}

interface SamplerHandle {
  /** Resolves when the user quits (/quit, Ctrl-C). */
  waitUntilExit(): Promise<void>;
  unmount(): void;
}

const BRACKETED_PASTE_ON = '\u001B[?2004h';
const BRACKETED_PASTE_OFF = '\u001B[?2004l';

export function renderSampler(options: RenderSamplerOptions): SamplerHandle {
  const { stdout = process.stdout, stdin, patchConsole = true, ...props } = options;
  // Ask the terminal to mark pastes, so a pasted line break is text, not Enter.
  const paste = stdout.isTTY === true;
  const pasteOff = () => {
    if (paste) stdout.write(BRACKETED_PASTE_OFF);
  };
  if (paste) {
    stdout.write(BRACKETED_PASTE_ON);
    process.once('exit', pasteOff);
  }
  const instance = render(<SamplerApp {...props} />, {
    stdout,
    stdin: stdin ?? process.stdin,
    // Ctrl-C reaches the app (raw mode), which stops generating and quits.
    exitOnCtrlC: false,
    patchConsole,
  });
  return {
    waitUntilExit: async () => {
      try {
        await instance.waitUntilExit();
      } finally {
        pasteOff();
        process.off('exit', pasteOff);
      }
    },
    unmount: () => instance.unmount(),
  };
}
