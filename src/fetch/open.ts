/**
 * The chart source a run uses, built from its settings and the environment: the policy with the credentials the
 * environment holds, the Docker config file that `docker login` and docker/login-action leave (`DOCKER_CONFIG`,
 * then `~/.docker/config.json`), the cache folder, and a guarded HTTP client. Close it when the run ends.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChartSource } from './chart-source.js';
import { ContentCache } from './content-cache.js';
import { HttpClient } from './http-client.js';
import { parseDockerAuths, RepositoryPolicy, type DockerAuths, type RepositoriesConfig } from './policy.js';

export interface ChartSourceSettings {
  repositories: RepositoriesConfig;
  offline: boolean;
  cacheDir?: string;
  /** Names the config file in messages. */
  configSource?: string;
  env?: Record<string, string | undefined>;
}

export interface OpenChartSource {
  charts: ChartSource;
  close(): void;
}

/** The default cache folder of the command line: `$XDG_CACHE_HOME/gitops-gate/charts`, else `~/.cache/gitops-gate/charts`. */
export function defaultCacheDir(env: Record<string, string | undefined> = process.env): string {
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'gitops-gate', 'charts');
}

function dockerAuths(env: Record<string, string | undefined>): DockerAuths {
  const file = path.join(env.DOCKER_CONFIG || path.join(os.homedir(), '.docker'), 'config.json');
  try {
    return parseDockerAuths(readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
}

export function openChartSource(settings: ChartSourceSettings): OpenChartSource {
  const env = settings.env ?? process.env;
  const policy = new RepositoryPolicy(settings.repositories, env, settings.repositories.allow?.length ? dockerAuths(env) : {}, settings.configSource || '.gitops-gate.yaml');
  const http = new HttpClient({ mayReachPrivate: (host) => policy.mayReachPrivate(host), mayUsePlainHTTP: (host, port) => policy.mayUsePlainHTTP(host, port) });
  return { charts: new ChartSource(policy, new ContentCache(settings.cacheDir), http, { offline: settings.offline }), close: () => http.close() };
}
