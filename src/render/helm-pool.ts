/**
 * Runs Helm renders in a render process of their own, one at a time, with a hard time limit and memory limits.
 * A process, not a worker thread: V8 aborts the whole process when a heap overruns its limit during a large
 * allocation, which a worker's resourceLimits cannot prevent, so only a process keeps a hostile render's memory
 * away from the scan. A render still running past the time limit, or whose process holds more memory than allowed
 * (the heap is capped by V8; on Linux the resident size, which also counts buffers and large strings, is watched),
 * is stopped by killing the process; the scan goes on and a new process is started for the next render. The
 * process gets no environment (no tokens to read) and does not keep the scan alive.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { HelmJob, HelmJobResult } from './helm-worker.js';

/** The argument the render process is started with: helm-worker.ts listens for jobs only when it has it. */
export const RENDER_PROCESS_FLAG = '--gitops-gate-helm-render';

/** Where the render process's code is: beside this module, bundled (dist/helm-worker.js) or as TypeScript in development. */
function workerSource(): { file: string; execArgv: string[] } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    return { file: fileURLToPath(new URL('./helm-worker.ts', here)), execArgv: ['--import', fileURLToPath(new URL('../../scripts/ts-loader.mjs', here))] };
  }
  return { file: fileURLToPath(new URL('./helm-worker.js', here)), execArgv: [] };
}

/** What memory one render may use. */
export interface WorkerMemoryLimits {
  /** The V8 heap's old generation (--max-old-space-size): rendered text, values, parsed templates. */
  heapMb: number;
  /** One V8 semi-space of the young generation (--max-semi-space-size). */
  semiSpaceMb: number;
  /** The render process's resident size, heap and everything outside it (watched on Linux). */
  residentMb: number;
}

export const HELM_WORKER_MEMORY: WorkerMemoryLimits = { heapMb: 1024, semiSpaceMb: 16, residentMb: 2048 };

/**
 * A render process that holds more than this after a render is replaced before the next one: V8 keeps the heap a
 * large render grew to, and a scan of many charts would otherwise carry the largest one's memory to the end.
 */
const RECYCLE_RESIDENT_MB = 160;

/** How often the render process's resident size is read while a render runs. */
const MEMORY_POLL_MS = 50;
/** How long a new render process may take to load (not counted in a render's time limit). */
const START_TIMEOUT_MS = 60_000;
/** How much of the render process's stderr is kept, to tell why it died. */
const STDERR_TAIL = 8192;

/**
 * A render that timed out, or one whose process died: `crash` says why (its first line is the reason a person
 * reads); `outOfMemory` marks a render stopped at a memory limit.
 */
export type PoolResult = HelmJobResult | { id: number; ok: false; timedOut: true } | { id: number; ok: false; crash: string; outOfMemory: true };

interface RenderProcess {
  child: ChildProcess;
  memory: WorkerMemoryLimits;
  /** Resolves once the process has loaded and listens for jobs; rejects when it cannot start. */
  ready: Promise<void>;
  stderr: string;
}

let current: RenderProcess | undefined;
let nextId = 1;
let queue: Promise<unknown> = Promise.resolve();

/** Variables the render needs from the environment: the time zone (dates) and, on Windows, the system folder. */
function renderEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['TZ', 'SystemRoot']) if (process.env[name] !== undefined) env[name] = process.env[name];
  return env;
}

function startProcess(memory: WorkerMemoryLimits): RenderProcess {
  const { file, execArgv } = workerSource();
  const child = fork(file, [RENDER_PROCESS_FLAG], {
    execArgv: [...execArgv, `--max-old-space-size=${memory.heapMb}`, `--max-semi-space-size=${memory.semiSpaceMb}`],
    env: renderEnv(),
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc']
  });
  const proc: RenderProcess = { child, memory, stderr: '', ready: Promise.resolve() };
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    proc.stderr = (proc.stderr + chunk).slice(-STDERR_TAIL);
  });
  proc.ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`the Helm render process did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const settle = () => {
      clearTimeout(timer);
      child.off('message', onReady);
      child.off('exit', onExit);
      child.off('error', fail);
    };
    const onReady = (message: unknown) => {
      if (message !== 'ready') return;
      settle();
      resolve();
    };
    const fail = (err: Error) => {
      settle();
      child.kill('SIGKILL');
      reject(err);
    };
    const onExit = (code: number | null, signal: string | null) => fail(new Error(`the Helm render process exited while starting (${exitText(code, signal)}): ${lastLine(proc.stderr)}`));
    child.on('message', onReady);
    child.on('exit', onExit);
    child.on('error', fail);
  });
  // Handled where it is awaited; never an unhandled rejection when the process dies before a job waits on it.
  proc.ready.catch(() => undefined);
  child.unref();
  child.channel?.unref();
  (child.stderr as { unref?: () => void } | null)?.unref?.();
  return proc;
}

/** The running render process when it has these limits; else a new one (the old one, idle, is stopped). */
function processWith(memory: WorkerMemoryLimits): RenderProcess {
  const same = current && current.memory.heapMb === memory.heapMb && current.memory.semiSpaceMb === memory.semiSpaceMb && current.memory.residentMb === memory.residentMb;
  if (current && !same) current.child.kill('SIGKILL');
  if (!current || !same) current = startProcess(memory);
  return current;
}

function exitText(code: number | null, signal: string | null): string {
  return signal ? `signal ${signal}` : `code ${code}`;
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}

/** The resident size of a process in MB, from /proc (Linux); undefined where it cannot be read. */
function residentMb(pid: number | undefined): number | undefined {
  if (pid === undefined || process.platform !== 'linux') return undefined;
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

async function runOne(job: Omit<HelmJob, 'id'>, hardTimeoutMs: number, memory: WorkerMemoryLimits): Promise<PoolResult> {
  const id = nextId++;
  const proc = processWith(memory);
  try {
    await proc.ready;
  } catch (err) {
    if (current === proc) current = undefined;
    return { id, ok: false, crash: (err as Error).message };
  }
  const { child } = proc;
  const outOfMemory = (reason: string): PoolResult => ({ id, ok: false, crash: `the render ran out of memory: ${reason}, and was stopped`, outOfMemory: true });
  return new Promise<PoolResult>((resolve) => {
    const done = (result: PoolResult) => {
      clearTimeout(timer);
      clearInterval(poll);
      child.off('message', onMessage);
      child.off('error', onError);
      child.off('close', onExit);
      resolve(result);
    };
    const stop = (result: PoolResult) => {
      if (current === proc) current = undefined;
      child.kill('SIGKILL');
      done(result);
    };
    const onMessage = (result: HelmJobResult) => {
      if (result.id !== id) return;
      const mb = residentMb(child.pid);
      if (mb !== undefined && mb > RECYCLE_RESIDENT_MB) {
        if (current === proc) current = undefined;
        child.kill('SIGKILL');
      }
      done(result);
    };
    const onError = (err: Error) => stop({ id, ok: false, crash: err.stack ?? err.message });
    const onExit = (code: number | null, signal: string | null) => {
      if (current === proc) current = undefined;
      if (/heap out of memory|allocation failed/i.test(proc.stderr)) done(outOfMemory(`it needed more than the ${memory.heapMb} MB of heap a Helm render may use`));
      else done({ id, ok: false, crash: `the Helm render process exited (${exitText(code, signal)})${proc.stderr.trim() ? `: ${lastLine(proc.stderr)}` : ''}` });
    };
    const timer = setTimeout(() => stop({ id, ok: false, timedOut: true }), hardTimeoutMs);
    const poll = setInterval(() => {
      const mb = residentMb(child.pid);
      if (mb !== undefined && mb > memory.residentMb) stop(outOfMemory(`it held more than the ${memory.residentMb} MB of memory a Helm render may use`));
    }, MEMORY_POLL_MS);
    poll.unref();
    child.on('message', onMessage);
    child.on('error', onError);
    child.on('close', onExit);
    child.send({ ...job, id }, (err) => {
      if (err) stop({ id, ok: false, crash: `the job could not be sent to the Helm render process: ${err.message}` });
    });
  });
}

/** Renders in the render process; jobs run one after another. `memory` is for tests: scans use the default limits. */
export function renderOnWorker(job: Omit<HelmJob, 'id'>, hardTimeoutMs: number, memory: WorkerMemoryLimits = HELM_WORKER_MEMORY): Promise<PoolResult> {
  const result = queue.then(() => runOne(job, hardTimeoutMs, memory));
  queue = result.catch(() => undefined);
  return result;
}
