/**
 * Runs Helm renders on a worker thread, one at a time, with a hard time limit: a render still running past it is
 * stopped by terminating the worker (a new one is started for the next render). The worker does not keep the
 * process alive.
 */
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { HelmJob, HelmJobResult } from './helm-worker.js';

/** Where the worker's code is: beside this module, bundled (dist/helm-worker.js) or as TypeScript in development. */
function workerSource(): { file: string; execArgv: string[] } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    return { file: fileURLToPath(new URL('./helm-worker.ts', here)), execArgv: ['--import', fileURLToPath(new URL('../../scripts/ts-loader.mjs', here))] };
  }
  return { file: fileURLToPath(new URL('./helm-worker.js', here)), execArgv: [] };
}

export type PoolResult = HelmJobResult | { id: number; ok: false; timedOut: true };

let worker: Worker | undefined;
let nextId = 1;
let queue: Promise<unknown> = Promise.resolve();

function startWorker(): Worker {
  const { file, execArgv } = workerSource();
  const w = new Worker(file, { execArgv });
  w.unref();
  return w;
}

function runOne(job: Omit<HelmJob, 'id'>, hardTimeoutMs: number): Promise<PoolResult> {
  const id = nextId++;
  const w = (worker ??= startWorker());
  return new Promise<PoolResult>((resolve) => {
    const done = (result: PoolResult) => {
      clearTimeout(timer);
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
      resolve(result);
    };
    const onMessage = (result: HelmJobResult) => {
      if (result.id === id) done(result);
    };
    const onError = (err: Error) => {
      worker = undefined;
      done({ id, ok: false, crash: err.stack ?? err.message });
    };
    const onExit = (code: number) => {
      worker = undefined;
      done({ id, ok: false, crash: `the Helm render worker exited (code ${code})` });
    };
    const timer = setTimeout(() => {
      worker = undefined;
      w.off('exit', onExit);
      void w.terminate();
      done({ id, ok: false, timedOut: true });
    }, hardTimeoutMs);
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
    w.postMessage({ ...job, id });
  });
}

/** Renders on the worker; jobs run one after another. */
export function renderOnWorker(job: Omit<HelmJob, 'id'>, hardTimeoutMs: number): Promise<PoolResult> {
  const result = queue.then(() => runOne(job, hardTimeoutMs));
  queue = result.catch(() => undefined);
  return result;
}
