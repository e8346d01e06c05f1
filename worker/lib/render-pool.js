// A pool of `mockup-render --server` processes, and one job's round trip
// through one of them.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import { spawn } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The server answered a job with an error line (`{"job", "line", "error",
 * "error_code"}`). `code` is its `error_code`, `line` the whole line.
 */
export class RenderJobError extends Error {
  constructor(line) {
    super(line.error);
    this.name = 'RenderJobError';
    this.code = line.error_code;
    this.line = line;
  }
}

/**
 * The child running a job died (crash, kill, timeout) before the job's
 * closing line. Running the job again may succeed.
 */
export class RenderChildError extends Error {
  constructor(message, { timedOut = false } = {}) {
    super(message);
    this.name = 'RenderChildError';
    this.timedOut = timedOut;
  }
}

/** Peak resident memory of a process in bytes (VmHWM), or null. */
export async function peakResidentMemory(pid) {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * One `mockup-render --server` process, started again by RenderPool when
 * it dies. It takes up to `slots` jobs at a time and routes the output
 * lines back to them by their `"job"` member: lines of different jobs may
 * interleave. Each process has its own jobs and line count, so a line only
 * ever settles a job that was written to the process that wrote the line.
 */
export class RenderChild extends EventEmitter {
  // The process started last: {process, pending (wire id -> job state),
  // lineNumber (input lines written, as the server counts them), spawned,
  // exited, retired (being killed or stopped: no new jobs), closed}.
  #current = null;

  constructor(command, args, slots) {
    super();
    this.command = command;
    this.args = args;
    this.slots = slots;
  }

  get pid() {
    return this.#current?.process.pid;
  }

  /** Whether the process runs and takes jobs (not exited, killed or stopping). */
  get alive() {
    const current = this.#current;
    return current !== null && current.spawned && !current.exited && !current.retired;
  }

  /** Jobs this child can take now. */
  get free() {
    return this.alive ? this.slots - this.#current.pending.size : 0;
  }

  /** Starts the process; rejects if it cannot be spawned. */
  async start() {
    // Its own process group: a Ctrl-C in the worker's terminal is the
    // worker's to handle (it closes the children's stdin), not theirs.
    const child = spawn(this.command, this.args, { stdio: ['pipe', 'pipe', 'inherit'], detached: true });
    const current = {
      process: child, pending: new Map(), lineNumber: 0,
      spawned: false, exited: false, retired: false, closed: null,
    };
    this.#current = current;
    // 'close' comes after the last line of stdout has been read, where
    // 'exit' may come before.
    current.closed = once(child, 'close').catch(() => {});
    // Spawn errors reject `once(child, 'spawn')` below; a write to a child
    // that just died fails with EPIPE, and 'close' handles it.
    child.on('error', () => {});
    child.stdin.on('error', () => {});
    createInterface({ input: child.stdout }).on('line', (line) => this.#onLine(current, line));
    // No new job for a process that has exited, even before the rest of
    // its output is read.
    child.on('exit', () => { current.exited = true; });
    child.on('close', (code, signal) => this.#onExit(current, code, signal));
    try {
      await once(child, 'spawn');
    } catch (error) {
      throw new Error(`cannot start ${this.command}: ${error.message}`);
    }
    current.spawned = true;
  }

  /**
   * Sends `job` (a server-mode job object with a unique `id`) and resolves
   * with `{done, results, maxResidentMemory, peakResidentMemory}` once its
   * closing line arrives: the closing line, the result lines, the largest
   * `resident_memory` in them, and the child's peak RSS so far (VmHWM).
   * Rejects with RenderJobError for an error line, RenderChildError if the
   * child dies or `timeout` ms pass (the child is then killed, with every
   * other job it was running).
   *
   * `onDispatch(pid)` is called once the job has its slot and before its
   * line is written, so the child cannot have read the job before it
   * returns. If it throws, the job is not sent and run() throws.
   */
  run(job, { timeout = 0, onResult = () => {}, onDispatch = () => {} } = {}) {
    if (this.free <= 0)
      throw new Error('mockup-render child has no free slot');
    const current = this.#current;
    if (current.pending.has(job.id))
      throw new Error(`job id ${job.id} is already running in this child`);
    const text = `${JSON.stringify(job)}\n`;
    const state = {
      id: job.id, line: 0, results: [], maxResidentMemory: 0, onResult, timer: null,
    };
    const done = new Promise((resolve, reject) => Object.assign(state, { resolve, reject }));
    // The slot is taken first: nothing onDispatch does can give it away.
    current.pending.set(job.id, state);
    try {
      onDispatch(current.process.pid);
    } catch (error) {
      this.#settle(current, state);
      throw error;
    }
    state.line = ++current.lineNumber;
    if (timeout > 0) {
      state.timer = setTimeout(() => {
        state.timedOut = true;
        this.emit('timeout', job.id);
        this.#kill(current);
      }, timeout);
    }
    current.process.stdin.write(text);
    return done;
  }

  /**
   * Kills the process at once (SIGKILL also ends a stopped process); it
   * takes no new job from now on.
   */
  kill() {
    if (this.#current)
      this.#kill(this.#current);
  }

  #kill(current) {
    current.retired = true;
    const child = current.process;
    if (child.exitCode === null && child.signalCode === null)
      child.kill('SIGKILL');
  }

  /**
   * Closes stdin, so the server finishes its jobs and exits; kills it if it
   * has not exited after `grace` ms. Resolves once it has exited.
   */
  async stop(grace = 10_000) {
    const current = this.#current;
    if (!current)
      return;
    current.retired = true;
    current.process.stdin.end();
    const timer = setTimeout(() => this.#kill(current), grace);
    await current.closed;
    clearTimeout(timer);
  }

  #settle(current, state) {
    clearTimeout(state.timer);
    current.pending.delete(state.id);
    this.emit('settled');
  }

  #onLine(current, text) {
    let line;
    try {
      line = JSON.parse(text);
    } catch {
      this.emit('protocol-error', text);
      this.#kill(current);
      return;
    }
    let state = current.pending.get(line.job);
    // An error line about a line whose id the server could not read has
    // "job": null; its input line number still names the job.
    if (!state && line.job == null && 'line' in line)
      state = [...current.pending.values()].find((s) => s.line === line.line);
    if (!state)
      return;
    if ('index' in line) {
      state.results.push(line);
      state.maxResidentMemory = Math.max(state.maxResidentMemory, line.resident_memory ?? 0);
      state.onResult(line);
    } else if (line.done) {
      state.maxResidentMemory = Math.max(state.maxResidentMemory, line.resident_memory ?? 0);
      this.#settle(current, state);
      // VmHWM is updated lazily and can lag the resident size just read.
      peakResidentMemory(current.process.pid).then((peak) => state.resolve({
        done: line, results: state.results, maxResidentMemory: state.maxResidentMemory,
        peakResidentMemory: Math.max(peak ?? 0, state.maxResidentMemory),
      }));
    } else {
      this.#settle(current, state);
      state.reject(new RenderJobError(line));
    }
  }

  #onExit(current, code, signal) {
    current.exited = true;
    const { pid } = current.process;
    const how = signal ? `was killed by ${signal}` : `exited with status ${code}`;
    for (const state of [...current.pending.values()]) {
      this.#settle(current, state);
      state.reject(state.timedOut
        ? new RenderChildError(`timed out: mockup-render (pid ${pid}) did not finish job ${state.id} in time and was killed`, { timedOut: true })
        : new RenderChildError(`mockup-render (pid ${pid}) ${how} while running job ${state.id}`));
    }
    // Only the process started last is started again.
    if (this.#current === current)
      this.emit('exit', code, signal);
  }
}

/**
 * `children` server processes with `jobs` jobs in flight each. Jobs go to
 * the child with the most free slots; a child that dies is started again.
 */
export class RenderPool extends EventEmitter {
  #waiters = [];
  #closing = false;

  /**
   * @param {object} options
   * @param {string} [options.command='mockup-render'] the mockup-render binary
   * @param {number} [options.children=1] server processes
   * @param {number} [options.jobs] jobs in flight per process (`--jobs`);
   *   unset: one at a time, and `--jobs` is not passed
   * @param {string} [options.memoryLimit] `--memory-limit` of each process, e.g. '512M'
   * @param {number} [options.threads] `--threads` of each process
   * @param {string} [options.outputDir] `-o`: output folder of jobs without `output_dir`
   * @param {string[]} [options.extraArgs] more `mockup-render` arguments
   */
  constructor({
    command = 'mockup-render', children = 1, jobs, memoryLimit, threads, outputDir,
    extraArgs = [],
  } = {}) {
    super();
    const args = ['--server', '-q'];
    if (jobs != null)
      args.push('--jobs', String(jobs));
    if (memoryLimit != null)
      args.push('--memory-limit', String(memoryLimit));
    if (threads != null)
      args.push('--threads', String(threads));
    if (outputDir != null)
      args.push('--output-dir', outputDir);
    args.push(...extraArgs);
    this.command = command;
    this.args = args;
    this.children = Array.from({ length: children },
      () => new RenderChild(command, args, jobs ?? 1));
  }

  /** How many jobs the pool runs at once. */
  get concurrency() {
    return this.children.reduce((sum, child) => sum + child.slots, 0);
  }

  /** Process ids of the running children. */
  get pids() {
    return this.children.filter((child) => child.alive).map((child) => child.pid);
  }

  /** Starts every child; rejects if one cannot be spawned. */
  async start() {
    await Promise.all(this.children.map((child) => this.#start(child)));
  }

  async #start(child) {
    child.removeAllListeners();
    await child.start();
    child.on('settled', () => this.#wake());
    child.on('timeout', (id) => this.emit('timeout', { pid: child.pid, id }));
    child.on('exit', (code, signal) => this.#restart(child, code, signal));
    this.emit('spawn', { pid: child.pid });
    this.#wake();
  }

  async #restart(child, code, signal) {
    this.emit('exit', { pid: child.pid, code, signal });
    // A binary that dies at once is not restarted in a tight loop.
    let delay = 100;
    while (!this.#closing) {
      try {
        await this.#start(child);
        return;
      } catch (error) {
        this.emit('start-error', error);
        await sleep(delay);
        delay = Math.min(delay * 2, 10_000);
      }
    }
  }

  #wake() {
    while (this.#waiters.length && this.children.some((child) => child.free > 0))
      this.#waiters.shift()();
  }

  /**
   * Runs one job (see RenderChild.run) on the child with the most free
   * slots, waiting for one if all are busy. Once the job has its child,
   * `onStart({pid})` is called and 'dispatch' `{pid, id}` emitted, both
   * before the job's line is written to the child: a listener sees the
   * child before it can read the job (a test can stop it there).
   */
  async run(job, { timeout, onResult, onStart = () => {} } = {}) {
    for (;;) {
      if (this.#closing)
        throw new RenderChildError('the render pool is closing');
      const child = this.children.reduce((best, c) => (c.free > (best?.free ?? 0) ? c : best), null);
      if (child) {
        return child.run(job, {
          timeout,
          onResult,
          onDispatch: (pid) => {
            onStart({ pid });
            this.emit('dispatch', { pid, id: job.id });
          },
        });
      }
      await new Promise((resolve) => this.#waiters.push(resolve));
    }
  }

  /** Kills every child at once; the pool starts no new ones. */
  kill() {
    this.#closing = true;
    for (const child of this.children)
      child.kill();
  }

  /**
   * Stops every child: closes its stdin so it finishes its jobs, and kills
   * it after `grace` ms.
   */
  async close(grace = 10_000) {
    this.#closing = true;
    for (const wake of this.#waiters.splice(0))
      wake();
    await Promise.all(this.children.map((child) => child.stop(grace)));
  }
}
