/**
 * Defence in depth around the renderer process. A hostile kustomization written straight into a folder (as if
 * the gate's reader had missed it) and built with the real kustomize through the project's runner reaches no
 * server and runs no git; a stand-in renderer sees no credential, no git, a fresh HOME, proxies at a closed
 * port and, in a network namespace, only `lo`; a renderer stopped at its time limit leaves no process behind.
 * A control run without the walls shows the canaries do catch a fetch and a git run.
 */
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { detectKustomize, KustomizeBinary } from '../../src/render/kustomize/binary.js';
import { extractKustomizeError } from '../../src/render/kustomize/render.js';
import { isolationMode, runBounded, which, type IsolationRequest } from '../../src/render/process.js';
import { tempDir, writeTree } from '../helpers/temp-repo.js';

const kustomize = detectKustomize();
const netns = isolationMode() === 'netns';
const POISON: Record<string, string> = {
  GITHUB_TOKEN: 'secret-github',
  ACTIONS_RUNTIME_TOKEN: 'secret-actions',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'http://evil.example/oidc',
  AWS_SECRET_ACCESS_KEY: 'secret-aws',
  GOOGLE_APPLICATION_CREDENTIALS: '/secret/gcp.json',
  SSH_AUTH_SOCK: '/secret/ssh.sock',
  DOCKER_CONFIG: '/secret/docker',
  GIT_SSH_COMMAND: 'evil-ssh',
  GIT_DIR: '/secret/repo.git',
  HTTP_PROXY: 'http://evil.example:3128',
  https_proxy: 'http://evil.example:3128',
  NO_PROXY: '*',
  KUSTOMIZE_PLUGIN_HOME: '/secret/plugins',
  HELM_PLUGINS: '/secret/helm-plugins',
  LANG: 'C.UTF-8',
  TZ: 'Etc/UTC'
};
/** What the walls set, plus the allow-listed LANG and TZ of the poisoned parent, plus PWD (the shell's own). */
const EXPECTED_KEYS = [
  'PATH', 'HOME', 'TMPDIR', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_DATA_HOME', 'KUBECONFIG', 'KUSTOMIZE_PLUGIN_HOME',
  'GIT_CONFIG_NOSYSTEM', 'GIT_CONFIG_GLOBAL', 'GIT_TERMINAL_PROMPT', 'HELM_CONFIG_HOME', 'HELM_CACHE_HOME', 'HELM_DATA_HOME',
  'HELM_PLUGINS', 'HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy', 'NO_PROXY', 'no_proxy',
  'LANG', 'TZ', 'PWD'
];
const PROXIES = ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy'];
const INHERITABLE = ['LANGUAGE', 'LC_ALL', 'LC_CTYPE', 'LC_MESSAGES', 'SYSTEMROOT'];

const saved = new Map<string, string | undefined>();
const setEnv = (key: string, value: string): void => {
  if (!saved.has(key)) saved.set(key, process.env[key]);
  process.env[key] = value;
};
const restoreEnv = (): void => {
  for (const [key, value] of saved) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  saved.clear();
};

/** Interface names in /proc/net/dev, which (unlike /sys/class/net) shows the reading process's own namespace. */
const interfaces = (procNetDev: string): string[] =>
  procNetDev
    .split('\n')
    .slice(2)
    .map((l) => l.split(':')[0].trim())
    .filter(Boolean)
    .sort();

const connectError = (port: number): Promise<string> =>
  new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });

const script = (dir: string, name: string, body: string): string => {
  const file = path.join(dir, name);
  writeTree(dir, { [name]: `#!/bin/sh\n${body}` });
  chmodSync(file, 0o755);
  return file;
};

describe('the canaries: a hostile kustomization against the real kustomize', () => {
  const hits: string[] = [];
  let work: string;
  let gitRan: string;
  let server: http.Server;
  let port = 0;

  beforeAll(async () => {
    work = tempDir('gg-isolation-');
    gitRan = path.join(work, 'git-ran');
    server = http.createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      res.statusCode = 404;
      res.end();
    });
    server.on('connection', () => hits.push('connection'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    // A `git` that leaves a mark, first on the gate's own PATH: kustomize would find it there without the walls.
    const fakeGit = path.join(work, 'bin');
    script(fakeGit, 'git', `echo "$@" >> '${gitRan}'\nexit 1\n`);
    setEnv('PATH', `${fakeGit}${path.delimiter}${process.env.PATH ?? ''}`);
  });
  afterEach(() => {
    hits.length = 0;
    rmSync(gitRan, { force: true });
  });
  afterAll(async () => {
    restoreEnv();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(work, { recursive: true, force: true });
  });

  const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n';
  /** Each entry alone (kustomize stops at the first failing one), and all of them together. */
  const hostile = (): Record<string, { kustomization: string; message: RegExp }> => {
    const httpResource = `http://127.0.0.1:${port}/pod.yaml`;
    const gitResource = `git::http://127.0.0.1:${port}/repo.git//dir?ref=main`;
    const github = 'https://github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v3.3.1';
    const httpPatch = `http://127.0.0.1:${port}/patch.yaml`;
    return {
      'an http resource': { kustomization: `resources:\n- ${httpResource}\n`, message: new RegExp(`Get "${httpResource}": dial tcp 127\\.0\\.0\\.1:${port}: connect: network is unreachable`) },
      'a git resource': { kustomization: `resources:\n- ${gitResource}\n`, message: /no 'git' program on path/ },
      'a GitHub resource': { kustomization: `resources:\n- ${github}\n`, message: /Get "https:\/\/github\.com\/[^"]*": proxyconnect tcp: dial tcp 127\.0\.0\.1:\d+: connect: network is unreachable'[\s\S]*no 'git' program on path/ },
      'an http patch': {
        kustomization: `resources:\n- cm.yaml\npatches:\n- path: ${httpPatch}\n`,
        message: new RegExp(`failed to get the patch file from path\\(${httpPatch.replace(/\./g, '\\.')}\\): Get "${httpPatch}": dial tcp 127\\.0\\.0\\.1:${port}: connect: network is unreachable`)
      },
      'all of them': {
        kustomization: `resources:\n- cm.yaml\n- ${httpResource}\n- ${gitResource}\n- ${github}\npatches:\n- path: ${httpPatch}\n`,
        message: /network is unreachable/
      }
    };
  };
  const writeKustomization = (kustomization: string): string => {
    const dir = tempDir('gg-hostile-');
    writeTree(dir, { 'kustomization.yaml': kustomization, 'cm.yaml': CM });
    return dir;
  };

  /** kustomize as a plain child of the gate, with the gate's environment (asynchronous: the canary server runs here). */
  const buildWithoutWalls = async (kustomization: string): Promise<void> => {
    const dir = writeKustomization(kustomization);
    try {
      await promisify(execFile)(kustomize!.command, [...kustomize!.args, dir], { env: process.env, timeout: 60_000 }).catch(() => undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  (kustomize ? it : it.skip)('control: without the walls, kustomize does fetch from the canary server and run the canary git', async () => {
    const entries = hostile();
    await buildWithoutWalls(entries['an http resource'].kustomization);
    await buildWithoutWalls(entries['an http patch'].kustomization);
    expect(hits).toEqual(expect.arrayContaining(['connection', 'GET /pod.yaml', 'GET /patch.yaml']));
    await buildWithoutWalls(entries['a git resource'].kustomization);
    expect(readFileSync(gitRan, 'utf8')).toMatch(/^init/m);
  });

  for (const name of ['an http resource', 'a git resource', 'a GitHub resource', 'an http patch', 'all of them']) {
    (kustomize && netns ? it : it.skip)(`in a network namespace, ${name} is neither fetched nor cloned, and the build fails saying so`, async () => {
      const { kustomization, message } = hostile()[name];
      const dir = writeKustomization(kustomization);
      try {
        const result = await kustomize!.build(dir, { timeoutMs: 60_000 });
        expect(result).toMatchObject({ ok: false, reason: 'failed', isolation: 'netns' });
        expect(extractKustomizeError(result.ok ? '' : result.stderr)).toMatch(message);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      expect(hits).toEqual([]);
      expect(existsSync(gitRan)).toBe(false);
    });
  }

  // Without a namespace Go fetches loopback addresses directly (it never proxies them): only the reader stops
  // those. A git program and remote hosts stay out of reach.
  for (const name of ['a git resource', 'a GitHub resource']) {
    (kustomize ? it : it.skip)(`environment walls alone: ${name} is neither fetched nor cloned`, async () => {
      const dir = writeKustomization(hostile()[name].kustomization);
      try {
        const result = await kustomize!.build(dir, { timeoutMs: 60_000, isolation: 'env-only' });
        expect(result).toMatchObject({ ok: false, reason: 'failed', isolation: 'env-only' });
        const stderr = extractKustomizeError(result.ok ? '' : result.stderr);
        expect(stderr).toMatch(/no 'git' program on path/);
        if (name === 'a GitHub resource') expect(stderr).toMatch(/Get "https:\/\/github\.com\/[^"]*": proxyconnect tcp: dial tcp 127\.0\.0\.1:\d+: connect: connection refused/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      expect(hits).toEqual([]);
      expect(existsSync(gitRan)).toBe(false);
    });
  }
});

describe('the environment a renderer sees', () => {
  let work: string;
  let renderer: string;

  beforeAll(() => {
    work = tempDir('gg-renderer-env-');
    renderer = script(
      work,
      'renderer',
      [
        'echo @@env', '/usr/bin/env',
        'echo @@git', 'command -v git ssh helm kubectl kustomize',
        'echo @@path', '/bin/ls -A "$PATH"',
        'echo @@home', '[ -d "$HOME" ] && echo is-a-folder', '/bin/ls -A "$HOME"',
        'echo @@net', '/bin/cat /proc/net/dev', ''
      ].join('\n')
    );
    for (const [key, value] of Object.entries(POISON)) setEnv(key, value);
  });
  afterAll(() => {
    restoreEnv();
    rmSync(work, { recursive: true, force: true });
  });

  const run = async (isolation: IsolationRequest) => {
    const result = await new KustomizeBinary(renderer, []).build(work, { timeoutMs: 30_000, isolation });
    if (!result.ok) throw new Error(`renderer failed: ${result.reason} ${result.stderr}`);
    const sections = new Map<string, string[]>();
    let current = '';
    for (const line of result.stdout.split('\n')) {
      if (line.startsWith('@@')) sections.set((current = line.slice(2)), []);
      else if (line) sections.get(current)!.push(line);
    }
    const env = Object.fromEntries(sections.get('env')!.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    return { result, env, sections };
  };

  const checkWalls = async ({ env, sections }: Awaited<ReturnType<typeof run>>): Promise<void> => {
    const inherited = INHERITABLE.filter((k) => process.env[k] !== undefined);
    expect(Object.keys(env).sort()).toEqual([...EXPECTED_KEYS, ...inherited].sort());
    for (const [key, value] of Object.entries(POISON)) {
      if (key === 'LANG' || key === 'TZ') expect(env[key]).toBe(value);
      else expect(Object.values(env)).not.toContain(value);
    }
    expect(Object.values(env).join('\n')).not.toMatch(/secret|evil/);
    // PATH: one private folder holding the renderer alone; no git, ssh, helm, kubectl or kustomize to be found.
    const runRoot = path.dirname(env.PATH);
    expect(path.basename(runRoot)).toMatch(/^gitops-gate-run-/);
    expect(path.dirname(runRoot)).toBe(os.tmpdir());
    expect(sections.get('path')).toEqual(['renderer']);
    expect(sections.get('git')).toEqual([]);
    // A fresh, empty HOME and private config folders in the run's folder, removed afterwards.
    expect(env.HOME).toBe(path.join(runRoot, 'home'));
    expect(sections.get('home')).toEqual(['is-a-folder']);
    for (const key of ['TMPDIR', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_DATA_HOME', 'KUSTOMIZE_PLUGIN_HOME', 'HELM_CONFIG_HOME', 'HELM_PLUGINS']) {
      expect(env[key].startsWith(runRoot + path.sep)).toBe(true);
    }
    expect(existsSync(runRoot)).toBe(false);
    expect([env.KUBECONFIG, env.GIT_CONFIG_GLOBAL, env.GIT_CONFIG_NOSYSTEM, env.GIT_TERMINAL_PROMPT]).toEqual([os.devNull, os.devNull, '1', '0']);
    // Every proxy variable names one loopback port, and nothing listens there.
    const proxies = new Set(PROXIES.map((k) => env[k]));
    expect(proxies.size).toBe(1);
    const port = Number(/^http:\/\/127\.0\.0\.1:(\d+)$/.exec([...proxies][0])?.[1]);
    expect(port).toBeGreaterThan(0);
    expect(await connectError(port)).toBe('ECONNREFUSED');
    expect([env.NO_PROXY, env.no_proxy]).toEqual(['', '']);
  };

  (netns ? it : it.skip)('in a network namespace: the walls hold and only the loopback interface exists', async () => {
    const seen = await run('auto');
    expect(seen.result.isolation).toBe('netns');
    await checkWalls(seen);
    expect(interfaces(seen.sections.get('net')!.join('\n'))).toEqual(['lo']);
  });

  it('fallback without a namespace: the environment walls still hold', async () => {
    const seen = await run('env-only');
    expect(seen.result.isolation).toBe('env-only');
    await checkWalls(seen);
    expect(interfaces(seen.sections.get('net')!.join('\n'))).toEqual(interfaces(readFileSync('/proc/net/dev', 'utf8')));
  });

  it('isolationMode() says netns exactly when unshare can make a network namespace here', () => {
    const unshare = which('unshare');
    const truth = which('true');
    const works = (flags: string[]): boolean => !!unshare && !!truth && spawnSync(unshare, [...flags, '--', truth], { stdio: 'ignore', timeout: 5000 }).status === 0;
    const possible = process.platform === 'linux' && ((process.getuid?.() === 0 && works(['--net'])) || works(['--map-root-user', '--net']));
    expect(isolationMode()).toBe(possible ? 'netns' : 'env-only');
  });
});

describe('a renderer stopped at its time limit', () => {
  let work: string;
  let pids: string;
  let sleeper: string;

  beforeAll(() => {
    work = tempDir('gg-renderer-timeout-');
    pids = path.join(work, 'pids');
    sleeper = script(
      work,
      'sleeper',
      [
        `/bin/sleep 300 & echo $! >> '${pids}'`,
        `/bin/sh -c "/bin/sleep 301 & echo \\$! >> '${pids}'; /bin/sleep 302" & echo $! >> '${pids}'`,
        `echo $$ >> '${pids}'`,
        '/bin/sleep 303',
        ''
      ].join('\n')
    );
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** Running and ours: a zombie is gone, and a recycled pid is someone else's. */
  const alive = (pid: number): boolean => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      return state !== 'Z' && /sleep|sleeper/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    } catch {
      return false;
    }
  };

  for (const isolation of ['auto', 'env-only'] as const) {
    it(`leaves no process behind (${isolation === 'auto' ? isolationMode() : 'env-only'})`, async () => {
      rmSync(pids, { force: true });
      const started = Date.now();
      const result = await runBounded(sleeper, [], { cwd: work, timeoutMs: 1500, isolation });
      expect(result).toMatchObject({ ok: false, reason: 'timeout' });
      expect(Date.now() - started).toBeLessThan(10_000);
      const recorded = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
      expect(recorded).toHaveLength(4);
      const deadline = Date.now() + 3000;
      while (recorded.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(recorded.filter(alive)).toEqual([]);
    });
  }
});
