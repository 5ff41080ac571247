/**
 * Runs a renderer process (kustomize, helm) with no shell, inside the walls of ./isolation.ts (a PATH of its
 * own, no credentials, no network), a time limit and bounded output. The process leads its own process group
 * and the whole group is killed when the run ends, so nothing it started outlives it. Never throws: the
 * result says what happened.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { isolate, type IsolatedRun, type IsolationMode, type IsolationRequest } from './isolation.js';

export { which } from './which.js';
export { isolationMode, type IsolationMode, type IsolationRequest } from './isolation.js';

export const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
const MAX_STDERR_BYTES = 64 * 1024;

type Outcome =
  | { ok: true; stdout: string; stderr: string }
  | { ok: false; reason: 'failed' | 'timeout' | 'output-too-large' | 'spawn-failed'; stderr: string; exitCode?: number | null };

/** What happened, and the walls the process ran in (`env-only` too when it could not be started). */
export type RunResult = Outcome & { isolation: IsolationMode };

export interface RunOptions {
  cwd: string;
  timeoutMs: number;
  maxOutputBytes?: number;
  /** Default `auto`: a network namespace where the machine allows one. */
  isolation?: IsolationRequest;
}

export async function runBounded(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  let run: IsolatedRun;
  try {
    run = await isolate(command, args, options.isolation);
  } catch (err) {
    return { ok: false, reason: 'spawn-failed', stderr: (err as Error).message, isolation: 'env-only' };
  }
  try {
    return { ...(await spawnBounded(run, options)), isolation: run.mode };
  } finally {
    run.remove();
  }
}

function spawnBounded(run: IsolatedRun, options: RunOptions): Promise<Outcome> {
  const maxOut = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  return new Promise((resolve) => {
    let settled = false;
    let child: ChildProcess;
    const finish = (result: Outcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      killGroup(child);
      resolve(result);
    };
    try {
      child = spawn(run.command, run.args, { cwd: options.cwd, shell: false, stdio: ['ignore', 'pipe', 'pipe'], env: run.env, detached: true, windowsHide: true });
    } catch (err) {
      resolve({ ok: false, reason: 'spawn-failed', stderr: (err as Error).message });
      return;
    }
    const out: Buffer[] = [];
    let outBytes = 0;
    const errParts: Buffer[] = [];
    let errBytes = 0;
    const timer = setTimeout(() => finish({ ok: false, reason: 'timeout', stderr: Buffer.concat(errParts).toString('utf8') }), Math.max(1, options.timeoutMs));
    child.stdout!.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > maxOut) {
        finish({ ok: false, reason: 'output-too-large', stderr: `output over ${maxOut} bytes` });
        return;
      }
      out.push(chunk);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      if (errBytes < MAX_STDERR_BYTES) errParts.push(chunk);
      errBytes += chunk.length;
    });
    child.on('error', (err) => finish({ ok: false, reason: 'spawn-failed', stderr: err.message }));
    child.on('close', (code) => {
      const stderr = Buffer.concat(errParts).toString('utf8');
      if (code === 0) finish({ ok: true, stdout: Buffer.concat(out).toString('utf8'), stderr });
      else finish({ ok: false, reason: 'failed', stderr, exitCode: code });
    });
  });
}

/** SIGKILL to the child's process group (the child and everything it started that stayed in the group). */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    if (process.platform === 'win32') child.kill('SIGKILL');
    else process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
