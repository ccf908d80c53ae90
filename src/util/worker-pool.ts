/**
 * Worker threads, one lifecycle for all of charnn's (the training worker,
 * the TF.js gradient workers, the evaluation workers).
 *
 * A worker is started from its compiled entry (workerUrl), is ready once its
 * set-up is done, answers requests, emits events, takes commands, and ends
 * with a result — or with one error, however it dies: a failure it reports,
 * an uncaught exception, an exit without a word, or termination by the
 * parent. Whatever waits on a worker (its readiness, its result, a request)
 * settles then; nothing hangs on a dead worker.
 *
 * Parent side: `new WorkerThread(…)`; worker side: `serveWorker(…)` in the
 * entry file. A protocol type names what travels each way.
 */
import { parentPort, Worker, workerData, type Transferable } from 'node:worker_threads';
import { CharnnError, runtimeError } from './errors.js';
import { isTooManyOpenFiles, tooManyOpenFiles } from './process-limits.js';

/** What one kind of worker exchanges with its parent (`never` for what it does not use). */
export interface WorkerProtocol {
  /** Handed to the worker at its start (structured-cloned). */
  init: unknown;
  /** Parent → worker, each answered by one reply. */
  request: unknown;
  reply: unknown;
  /** Worker → parent, at any time. */
  event: unknown;
  /** Parent → worker, not answered. */
  command: unknown;
  /** The worker's outcome when its work ends (workers that only answer requests have none). */
  result: unknown;
}

/** An error of the worker, as it crosses to the parent. */
interface Failure {
  message: string;
  /** Set when it was a CharnnError (meant for the user), with its hint and exit code. */
  charnn: { hint?: string; exitCode: 1 | 2 } | null;
  stack?: string;
}

type ToWorker<P extends WorkerProtocol> = { kind: 'request'; id: number; body: P['request'] } | { kind: 'command'; body: P['command'] };

type FromWorker<P extends WorkerProtocol> =
  | { kind: 'ready' }
  | { kind: 'reply'; id: number; body: P['reply'] }
  | { kind: 'event'; body: P['event'] }
  | { kind: 'done'; body: P['result'] }
  | { kind: 'failed'; failure: Failure };

const REPORT_HINT = 'run with --debug for details and please report it';

interface WorkerOptions<P extends WorkerProtocol> {
  /** The compiled entry file: workerUrl('./x-worker.js', import.meta.url). */
  entry: URL;
  init: P['init'];
  /** How errors name it: 'the training worker', 'an evaluation worker'. */
  name: string;
  /** What the user can do when it fails unexpectedly (default: report the bug). */
  hint?: string;
}

interface Pending<R> {
  resolve: (reply: R) => void;
  reject: (error: Error) => void;
}

/** The parent's handle on one worker thread. */
export class WorkerThread<P extends WorkerProtocol> {
  /** Resolves once the worker's set-up is done; rejects with its error if it ends first. */
  readonly ready: Promise<void>;
  /** The worker's result; rejects with the error that ended it (termination included). */
  readonly result: Promise<P['result']>;
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private readonly listeners = new Set<(event: P['event']) => void>();
  /** Events that arrived before anyone listened, for the first listener. */
  private backlog: P['event'][] = [];
  private readonly pending = new Map<number, Pending<P['reply']>>();
  private nextId = 0;
  /** The error that ended the worker (set once, by the first ending). */
  private endError: Error | null = null;
  /** What the user can do when it fails unexpectedly (options.hint, or report the bug). */
  private readonly hint: string;
  private settleReady!: (error?: Error) => void;
  private settleResult!: (outcome: { result: P['result'] } | { error: Error }) => void;

  constructor(private readonly options: WorkerOptions<P>) {
    this.hint = options.hint ?? REPORT_HINT;
    this.ready = new Promise((resolve, reject) => (this.settleReady = (error) => (error ? reject(error) : resolve())));
    this.result = new Promise((resolve, reject) => (this.settleResult = (o) => ('error' in o ? reject(o.error) : resolve(o.result))));
    // Whoever awaits these sees the rejection; nobody awaiting is no error.
    this.ready.catch(() => undefined);
    this.result.catch(() => undefined);
    this.worker = new Worker(options.entry, { workerData: options.init });
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.on('message', (message: FromWorker<P>) => this.receive(message));
    this.worker.on('error', (error) => this.end({ error: this.internalError(error.message, error.stack) }));
    this.worker.on('exit', (code) => this.end({ error: runtimeError(`${options.name} stopped unexpectedly (exit code ${code})`, this.hint) }));
  }

  private receive(message: FromWorker<P>): void {
    switch (message.kind) {
      case 'ready':
        this.settleReady();
        break;
      case 'reply': {
        const pending = this.pending.get(message.id);
        this.pending.delete(message.id);
        pending?.resolve(message.body);
        break;
      }
      case 'event':
        if (this.listeners.size === 0) this.backlog.push(message.body);
        for (const listener of [...this.listeners]) listener(message.body);
        break;
      case 'done':
        this.end({ result: message.body });
        break;
      case 'failed': {
        const { failure } = message;
        if (failure.charnn) {
          const error = new CharnnError(failure.message, failure.charnn);
          if (failure.stack) error.stack = failure.stack;
          this.end({ error });
        } else this.end({ error: this.internalError(failure.message, failure.stack) });
        break;
      }
    }
  }

  /** A bug in the worker: named, with the worker's stack for --debug (running out of descriptors is not one). */
  private internalError(message: string, stack?: string): CharnnError {
    // A thread needs descriptors of its own (its event loop): under a low ulimit -n it fails to start.
    if (isTooManyOpenFiles({ message })) return tooManyOpenFiles();
    const error = runtimeError(`internal error in ${this.options.name}: ${message}`, this.hint);
    if (stack) error.stack = stack;
    return error;
  }

  /** The first ending wins; everything still waiting settles, and the thread goes. */
  private end(outcome: { result: P['result'] } | { error: Error }): void {
    if (this.ended) return;
    const error = 'error' in outcome ? outcome.error : runtimeError(`${this.options.name} ended before answering`, this.hint);
    this.endError = error;
    this.settleReady(error);
    this.settleResult(outcome);
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    void this.worker.terminate();
  }

  /** Whether the worker has ended (its ending error is known). */
  private get ended(): boolean {
    return this.endError !== null;
  }

  /** Listens to the worker's events; the first listener also gets those that came before it. */
  subscribe(listener: (event: P['event']) => void): () => void {
    this.listeners.add(listener);
    for (const event of this.backlog.splice(0)) listener(event);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** A command for the worker (dropped once the worker has ended). */
  send(command: P['command']): void {
    if (!this.ended) this.worker.postMessage({ kind: 'command', body: command } satisfies ToWorker<P>);
  }

  /** Asks the worker; rejects with the worker's error if it ends before answering. */
  request(body: P['request'], transfer?: readonly Transferable[]): Promise<P['reply']> {
    if (this.endError) return Promise.reject(this.endError);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ kind: 'request', id, body } satisfies ToWorker<P>, transfer);
    });
  }

  /** Stops the worker (whatever it was doing); resolves once the thread is gone. */
  async terminate(): Promise<void> {
    this.end({ error: runtimeError(`${this.options.name} was stopped`, this.hint) });
    await this.exited;
  }
}

/** Stops every worker of a pool and waits until all are gone. */
export async function terminateAll<P extends WorkerProtocol>(threads: readonly WorkerThread<P>[]): Promise<void> {
  await Promise.all(threads.map((thread) => thread.terminate()));
}

// ---------------------------------------------------------------------------
// Worker side

/** What the worker's code sees of its thread. */
interface WorkerScope<P extends WorkerProtocol> {
  readonly init: P['init'];
  /** Sends an event to the parent (the transferred buffers become unusable here). */
  emit(event: P['event'], transfer?: readonly Transferable[]): void;
  /** The parent's commands; those sent before this is called are delivered now. */
  onCommand(listener: (command: P['command']) => void): void;
}

/** A reply, with the buffers to move rather than copy. */
interface Answer<R> {
  body: R;
  transfer?: readonly Transferable[];
}

/** What a worker does once set up: answer requests, or run to a result (then it ends), or both. */
interface WorkerService<P extends WorkerProtocol> {
  answer?(request: P['request']): Answer<P['reply']> | Promise<Answer<P['reply']>>;
  run?(): Promise<P['result']>;
}

function failureOf(error: unknown): Failure {
  const e = error instanceof Error ? error : new Error(String(error));
  return { message: e.message, charnn: e instanceof CharnnError ? { hint: e.hint, exitCode: e.exitCode } : null, stack: e.stack };
}

/**
 * The body of a worker entry file: `start` sets the worker up (it may take
 * its time: requests and commands wait) and returns what it serves. Any
 * error, in the set-up, an answer or the run, ends the worker and reaches
 * the parent as one error.
 */
export function serveWorker<P extends WorkerProtocol>(
  start: (scope: WorkerScope<P>) => WorkerService<P> | Promise<WorkerService<P>>,
): void {
  const port = parentPort;
  if (!port) throw new Error('serveWorker runs in a worker thread');
  const post = (message: FromWorker<P>, transfer?: readonly Transferable[]): void => port.postMessage(message, transfer);
  let failed = false;
  const fail = (error: unknown): void => {
    if (failed) return;
    failed = true;
    post({ kind: 'failed', failure: failureOf(error) });
    port.close();
  };

  let service: WorkerService<P> | null = null;
  const waitingRequests: { id: number; body: P['request'] }[] = [];
  let commandListener: ((command: P['command']) => void) | null = null;
  const waitingCommands: P['command'][] = [];

  const answer = async (id: number, body: P['request']): Promise<void> => {
    try {
      if (!service!.answer) throw new Error('this worker takes no requests');
      const reply = await service!.answer(body);
      if (!failed) post({ kind: 'reply', id, body: reply.body }, reply.transfer);
    } catch (error) {
      fail(error);
    }
  };

  port.on('message', (message: ToWorker<P>) => {
    if (message.kind === 'command') {
      if (commandListener) commandListener(message.body);
      else waitingCommands.push(message.body);
    } else if (service) void answer(message.id, message.body);
    else waitingRequests.push(message);
  });

  const scope: WorkerScope<P> = {
    init: workerData as P['init'],
    emit: (event, transfer) => {
      if (!failed) post({ kind: 'event', body: event }, transfer);
    },
    onCommand: (listener) => {
      commandListener = listener;
      for (const command of waitingCommands.splice(0)) listener(command);
    },
  };

  void (async () => {
    try {
      service = await start(scope);
      post({ kind: 'ready' });
      for (const { id, body } of waitingRequests.splice(0)) void answer(id, body);
      if (service.run) {
        const result = await service.run();
        if (!failed) post({ kind: 'done', body: result });
        port.close();
      }
    } catch (error) {
      fail(error);
    }
  })();
}
