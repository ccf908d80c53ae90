/**
 * SIGINT, SIGTERM and SIGHUP ask a run to stop gracefully (save, then exit
 * 0). A second SIGINT or SIGTERM exits at once with 130. SIGHUP (the
 * terminal or ssh session closed) never forces an exit: a shell often
 * passes the hang-up on to its jobs after the kernel already sent it, and
 * nobody is left to see the run end, so it must always save. One mechanism
 * for train, the train dashboard and compare, which differ only in what
 * they tell stderr.
 */
import { noteTerminalGone, releaseDeadTerminal, writeErr } from './output.js';

interface SignalMessages {
  /** Printed on the first signal; nothing when absent (e.g. Ink owns the screen). */
  first?: (signal: NodeJS.Signals) => string;
  /** Printed before exiting on the second signal. */
  again?: string;
}

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** What a signal did, for messages: 'interrupted', 'terminated', 'hung up'. */
export function signalVerb(signal: NodeJS.Signals): string {
  return signal === 'SIGINT' ? 'interrupted' : signal === 'SIGHUP' ? 'hung up' : 'terminated';
}

/** The SIGHUP listener left behind once a run's handlers are removed: it does nothing. */
const ignoreHangUp = (): void => {};

/**
 * After a run has saved and is on its way out, a late SIGHUP (the shell
 * passing on a hang-up the kernel already sent) must not kill the process
 * with the signal: nothing is left to save, and the exit status should say
 * the run ended well. Installed once per process.
 */
function ignoreLateHangUps(): void {
  if (!process.listeners('SIGHUP').includes(ignoreHangUp)) process.on('SIGHUP', ignoreHangUp);
}

/** Installs the handlers; returns the function that removes them (SIGHUP stays ignored from then on). */
export function stopOnSignals(stop: () => void, messages: SignalMessages = {}): () => void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signal === 'SIGHUP') noteTerminalGone();
    if (stopping) {
      if (signal === 'SIGHUP') return;
      if (messages.again) writeErr(messages.again);
      releaseDeadTerminal();
      process.exit(130);
    }
    stopping = true;
    if (messages.first) writeErr(messages.first(signal));
    stop();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  return () => {
    ignoreLateHangUps();
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  };
}
