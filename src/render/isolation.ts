/**
 * The walls around a renderer process (kustomize, kubectl, helm), as defence in depth behind the readers that
 * refuse remote entries. Rule: whatever the inputs say, the renderer can run no other program (its PATH holds
 * only itself), reach no network (a network namespace of its own where the machine allows one; proxies at a
 * closed loopback port in any case), and read no credential or user setting (an environment built from an
 * allow-list, a fresh HOME and config folders, all removed after the run).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { which } from './which.js';

/** `netns`: a network namespace with only a loopback interface, which is down. `env-only`: the environment walls alone. */
export type IsolationMode = 'netns' | 'env-only';
/** `auto`: a network namespace where the machine allows one. `env-only`: never (for tests of the fallback). */
export type IsolationRequest = 'auto' | 'env-only';

/** The only settings taken from the gate's own environment: locale and time zone (Windows needs SYSTEMROOT). */
const INHERITED = ['LANG', 'LANGUAGE', 'LC_ALL', 'LC_CTYPE', 'LC_MESSAGES', 'TZ', 'SYSTEMROOT'];
const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy'];
const PROBE_TIMEOUT_MS = 5000;

interface Namespace {
  unshare: string;
  flags: string[];
}

let probed: { namespace?: Namespace } | undefined;

/** How renderer processes are isolated on this machine. Probed once per process, on first use. */
export function isolationMode(): IsolationMode {
  return networkNamespace() ? 'netns' : 'env-only';
}

/**
 * `unshare --net` (as root) or `unshare --map-root-user --net`, when running `true` under it works; the flags
 * leave unshare to exec the renderer in place, so the renderer's process is the one spawned.
 */
function networkNamespace(): Namespace | undefined {
  if (!probed) {
    probed = {};
    const unshare = process.platform === 'linux' ? which('unshare') : undefined;
    const truth = which('true');
    if (unshare && truth) {
      const candidates = process.getuid?.() === 0 ? [['--net'], ['--map-root-user', '--net']] : [['--map-root-user', '--net']];
      const flags = candidates.find((f) => spawnSync(unshare, [...f, '--', truth], { stdio: 'ignore', timeout: PROBE_TIMEOUT_MS, env: {} }).status === 0);
      if (flags) probed.namespace = { unshare, flags };
    }
  }
  return probed.namespace;
}

/** A renderer invocation wrapped in the walls; `remove()` deletes its private folders. */
export interface IsolatedRun {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  mode: IsolationMode;
  remove(): void;
}

/** Prepares the private folders, environment and (where allowed) network namespace for one run of `command`. */
export async function isolate(command: string, args: readonly string[], request: IsolationRequest = 'auto'): Promise<IsolatedRun> {
  const port = await closedLoopbackPort();
  const root = mkdtempSync(path.join(os.tmpdir(), 'gitops-gate-run-'));
  const remove = (): void => rmSync(root, { recursive: true, force: true });
  try {
    const dir = (name: string): string => {
      const p = path.join(root, name);
      mkdirSync(p);
      return p;
    };
    const bin = dir('bin');
    const program = linkProgram(command, bin);
    const [config, cache, data, plugins] = [dir('config'), dir('cache'), dir('data'), dir('plugins')];
    const proxy = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {};
    for (const key of INHERITED) if (process.env[key] !== undefined) env[key] = process.env[key];
    Object.assign(env, {
      PATH: bin,
      HOME: dir('home'),
      TMPDIR: dir('tmp'),
      XDG_CONFIG_HOME: config,
      XDG_CACHE_HOME: cache,
      XDG_DATA_HOME: data,
      KUBECONFIG: os.devNull,
      KUSTOMIZE_PLUGIN_HOME: plugins,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: os.devNull,
      GIT_TERMINAL_PROMPT: '0',
      HELM_CONFIG_HOME: path.join(config, 'helm'),
      HELM_CACHE_HOME: path.join(cache, 'helm'),
      HELM_DATA_HOME: path.join(data, 'helm'),
      HELM_PLUGINS: plugins,
      NO_PROXY: '',
      no_proxy: ''
    });
    for (const key of PROXY_VARIABLES) env[key] = proxy;
    const namespace = request === 'auto' ? networkNamespace() : undefined;
    return namespace
      ? { command: namespace.unshare, args: [...namespace.flags, '--', program, ...args], env, mode: 'netns', remove }
      : { command: program, args: [...args], env, mode: 'env-only', remove };
  } catch (err) {
    remove();
    throw err;
  }
}

/**
 * Puts the renderer, under its own name, in the private `bin` folder: a link to the resolved file, so a
 * dispatcher that finds its helpers beside itself (the Cloud SDK's kubectl) still does. Where links cannot be
 * made, the folder stays empty and the program runs from where it is.
 */
function linkProgram(command: string, bin: string): string {
  try {
    const link = path.join(bin, path.basename(command));
    symlinkSync(realpathSync(command), link);
    return link;
  } catch {
    return command;
  }
}

/** A loopback port nothing listens on: one the system handed out, then closed. */
async function closedLoopbackPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
