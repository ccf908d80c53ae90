/**
 * The worker lifecycle (src/util/worker-pool.ts): requests before the
 * worker is ready wait for it, events and commands cross both ways, and a
 * worker that fails — a usage error, a bug, an uncaught exception, an exit,
 * termination — ends with one error naming it; nothing waiting on it hangs.
 */
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { CharnnError } from '../../src/util/errors.js';
import { terminateAll, WorkerThread, type WorkerProtocol } from '../../src/util/worker-pool.js';
import { waitFor } from '../helpers/wait.js';

interface TestProtocol extends WorkerProtocol {
  init: { mode: 'echo' | 'run' | 'usage' | 'bug' | 'crash' };
  request: Float32Array | 'exit' | 'hang' | 'bug';
  reply: Float32Array;
  event: number | string;
  command: string;
  result: { commands: string[]; priority: number };
}

const started: WorkerThread<TestProtocol>[] = [];

function start(mode: TestProtocol['init']['mode']): WorkerThread<TestProtocol> {
  const thread = new WorkerThread<TestProtocol>({
    entry: new URL('./fixtures/pool-worker.mjs', import.meta.url),
    init: { mode },
    name: 'a test worker',
    hint: 'run with --workers 1',
  });
  started.push(thread);
  return thread;
}

afterEach(async () => {
  await terminateAll(started.splice(0));
});

describe('WorkerThread', () => {
  it('answers requests sent before it was ready, in order, with transferred buffers, and replays early events', async () => {
    const thread = start('echo');
    const replies = await Promise.all([thread.request(Float32Array.of(1, 2)), thread.request(Float32Array.of(3))]);
    expect(replies.map((r) => [...r])).toEqual([[2, 4], [6]]);
    const events: (number | string)[] = [];
    thread.subscribe((e) => events.push(e));
    expect(events).toEqual(['answered 2', 'answered 1']);
    await thread.ready;
  });

  it('runs to a result, taking commands (even those sent during its set-up) and emitting events, at the priority of the process', async () => {
    const thread = start('run');
    thread.send('hello');
    const events: (number | string)[] = [];
    thread.subscribe((e) => events.push(e));
    await thread.ready;
    // Stop once three events are in: a stop sent after two could (on a busy machine) come before the third.
    await waitFor(() => events.length >= 3, { what: 'three events from the worker', seen: () => JSON.stringify(events) });
    thread.send('stop');
    const result = await thread.result;
    expect(result.commands).toEqual(['hello', 'stop']);
    expect(events.slice(0, 3)).toEqual([1, 2, 3]);
    // Not lowered: beside other busy processes a thread at nice 10 gets a tenth of a nice-0
    // process's share, and the dashboard's training ran 8× slower beside two CPU-bound loops.
    expect(result.priority).toBe(os.getPriority(0));
  });

  it('passes a CharnnError from the worker on as it is: message, hint, exit code', async () => {
    const thread = start('usage');
    const error = await thread.ready.then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(CharnnError);
    expect((error as CharnnError).message).toBe('corpus not found: x.txt');
    expect((error as CharnnError).hint).toBe('check the path');
    expect((error as CharnnError).exitCode).toBe(2);
    await expect(thread.result).rejects.toBe(error);
    await expect(thread.request(Float32Array.of(1))).rejects.toBe(error);
  });

  it.each<[TestProtocol['init']['mode'], TestProtocol['request'], RegExp]>([
    ['bug', Float32Array.of(1), /^internal error in a test worker: .*null/],
    ['echo', 'bug', /^internal error in a test worker: bad request$/],
    ['crash', 'hang', /^internal error in a test worker: thrown outside any handler$/],
    ['echo', 'exit', /^a test worker stopped unexpectedly \(exit code 3\)$/],
  ])('a worker that fails (%s, request %s) rejects what waits with one runtime error naming it', async (mode, request, message) => {
    const thread = start(mode);
    const pending = [thread.request(request), thread.request('hang')];
    const errors = await Promise.all(pending.map((p) => p.then(() => null, (e: unknown) => e)));
    expect(errors[0]).toBeInstanceOf(CharnnError);
    expect((errors[0] as CharnnError).message).toMatch(message);
    expect((errors[0] as CharnnError).exitCode).toBe(1);
    expect((errors[0] as CharnnError).hint).toBe('run with --workers 1');
    expect(errors[1]).toBe(errors[0]);
    await expect(thread.result).rejects.toBe(errors[0]);
  });

  it("keeps the worker's stack for --debug", async () => {
    const thread = start('echo');
    const error = await thread.request('bug').then(() => null, (e: Error) => e);
    expect(error!.stack).toMatch(/TypeError: bad request\n\s+at .*pool-worker\.mjs/);
  });

  it('terminate() ends a busy worker at once: what waits on it rejects, nothing hangs', async () => {
    const thread = start('echo');
    const waiting = thread.request('hang').then(() => null, (e: Error) => e);
    await thread.ready;
    // A worker that were not stopped would hang this test until its timeout.
    await thread.terminate();
    expect((await waiting)?.message).toBe('a test worker was stopped');
    await expect(thread.request(Float32Array.of(1))).rejects.toThrow(/was stopped/);
    thread.send('ignored after the end');
  });
});
