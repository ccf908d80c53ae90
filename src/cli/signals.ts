/**
 * SIGINT and SIGTERM ask a run to stop gracefully (save, then exit 0); a
 * second one exits at once with 130. One mechanism for train, the train
 * dashboard and compare, which differ only in what they tell stderr.
 */
export interface SignalMessages {
  /** Printed on the first signal; nothing when absent (e.g. Ink owns the screen). */
  first?: (signal: NodeJS.Signals) => string;
  /** Printed before exiting on the second signal. */
  again?: string;
}

/** Installs the handlers; returns the function that removes them. */
export function stopOnSignals(stop: () => void, messages: SignalMessages = {}): () => void {
  let received = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    received++;
    if (received > 1) {
      if (messages.again) process.stderr.write(`${messages.again}\n`);
      process.exit(130);
    }
    if (messages.first) process.stderr.write(`${messages.first(signal)}\n`);
    stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
