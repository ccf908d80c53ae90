/**
 * Holds a session's events from the moment the view is mounted until the
 * app's own subscription (made after its first render) takes over, so an
 * event emitted in between — a trainer's `start`, a compare plan — is not lost.
 */
interface BufferedSubscription<E> {
  subscribe(listener: (e: E) => void): () => void;
  /** Ends the underlying subscription. */
  close(): void;
}

export function bufferUntilSubscribed<E>(subscribe: (listener: (e: E) => void) => () => void): BufferedSubscription<E> {
  let buffer: E[] | null = [];
  const listeners = new Set<(e: E) => void>();
  const close = subscribe((e) => {
    if (buffer) buffer.push(e);
    for (const l of listeners) l(e);
  });
  return {
    subscribe(listener) {
      listeners.add(listener);
      if (buffer) {
        const pending = buffer;
        buffer = null;
        for (const e of pending) listener(e);
      }
      return () => {
        listeners.delete(listener);
      };
    },
    close,
  };
}
