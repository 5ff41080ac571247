/** Runs the real command line (from the TypeScript sources) as a child process. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], cwd = projectRoot): CliRun {
  const result = spawnSync(process.execPath, ['--import', path.join(projectRoot, 'scripts/ts-loader.mjs'), path.join(projectRoot, 'src/cli.ts'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '', NO_COLOR: '1' },
    timeout: 120_000
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
