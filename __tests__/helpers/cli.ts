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

/** The command and arguments that run the CLI from the sources. */
export function cliCommand(args: string[]): [string, string[]] {
  return [process.execPath, ['--import', path.join(projectRoot, 'scripts/ts-loader.mjs'), path.join(projectRoot, 'src/cli.ts'), ...args]];
}

/**
 * The environment of a CLI run: no colour, and progress lines (timed, on standard error) only when a test asks
 * for them with its own GITOPS_GATE_PROGRESS_INTERVAL_MS, so that standard error holds exactly what the command
 * says about the scan whatever the speed of the machine.
 */
export function cliEnv(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, NODE_OPTIONS: '', NO_COLOR: '1', GITOPS_GATE_PROGRESS_INTERVAL_MS: '86400000', ...env };
}

export function runCli(args: string[], cwd = projectRoot, env: NodeJS.ProcessEnv = {}): CliRun {
  const [command, argv] = cliCommand(args);
  const result = spawnSync(command, argv, { cwd, encoding: 'utf8', env: cliEnv(env), timeout: 120_000 });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
