/**
 * Runs a renderer process (kustomize, helm) with no shell, a reduced environment, a time limit and bounded output.
 * Never throws: the result says what happened.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

export const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
const MAX_STDERR_BYTES = 64 * 1024;

export type RunResult =
  | { ok: true; stdout: string; stderr: string }
  | { ok: false; reason: 'failed' | 'timeout' | 'output-too-large' | 'spawn-failed'; stderr: string; exitCode?: number | null };

export interface RunOptions {
  cwd: string;
  timeoutMs: number;
  maxOutputBytes?: number;
}

export function runBounded(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const maxOut = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: RunResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(command, [...args], { cwd: options.cwd, shell: false, stdio: ['ignore', 'pipe', 'pipe'], env: sandboxEnv(), windowsHide: true });
    } catch (err) {
      resolve({ ok: false, reason: 'spawn-failed', stderr: (err as Error).message });
      return;
    }
    const out: Buffer[] = [];
    let outBytes = 0;
    const errParts: Buffer[] = [];
    let errBytes = 0;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ ok: false, reason: 'timeout', stderr: Buffer.concat(errParts).toString('utf8') });
    }, Math.max(1, options.timeoutMs));
    child.stdout!.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > maxOut) {
        child.kill('SIGKILL');
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

/** Only what a renderer needs from the environment: no credentials, no plugin settings, no cloud or registry tokens. */
function sandboxEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'SYSTEMROOT']) if (process.env[key] !== undefined) env[key] = process.env[key];
  return env;
}

/** Finds an executable on PATH (no shell). */
export function which(name: string, envPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

