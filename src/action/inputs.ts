/** The action's inputs and event, read once into a ScanRequest plus reporting options. */
import { readFileSync } from 'node:fs';
import * as core from '@actions/core';
import { SEVERITIES } from '../analyze/types.js';
import { parsePssVersion } from '../analyze/pss/types.js';
import type { ScanRequest } from '../run.js';
import type { FailOn } from '../settings/types.js';

export interface ActionInputs {
  request: ScanRequest;
  sarifFile: string;
  annotations: boolean;
  /** The pull request being checked, when the event is one. */
  pullRequest?: { number: number; baseSha: string; headSha: string };
  serverUrl: string;
  repository: string;
  headSha: string;
}

function choice<T extends string>(name: string, allowed: readonly T[]): T | undefined {
  const value = core.getInput(name);
  if (value === '') return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`input "${name}" must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

interface PullRequestEvent {
  pull_request?: { number: number; base: { sha: string }; head: { sha: string } };
}

export function readInputs(env: NodeJS.ProcessEnv = process.env): ActionInputs {
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  let event: PullRequestEvent = {};
  if (env.GITHUB_EVENT_PATH) {
    try {
      event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as PullRequestEvent;
    } catch (err) {
      throw new Error(`cannot read the event payload at GITHUB_EVENT_PATH: ${(err as Error).message}`);
    }
  }
  const pr = (eventName === 'pull_request' || eventName === 'pull_request_target') && event.pull_request ? event.pull_request : undefined;
  const pssVersionText = core.getInput('pss-version');
  const pssVersion = pssVersionText === '' ? undefined : parsePssVersion(pssVersionText);
  if (pssVersionText !== '' && pssVersion === undefined) throw new Error(`input "pss-version" must be v1.0 to v1.37 or latest (got "${pssVersionText}")`);
  const base = core.getInput('base') || pr?.base.sha;
  const failOn = choice<FailOn>('fail-on', ['none', ...SEVERITIES]);
  const pssLevel = choice('pss-level', ['privileged', 'baseline', 'restricted'] as const);
  const config = core.getInput('config');
  const request: ScanRequest = {
    root: core.getInput('path') || '.',
    ...(base ? { base } : {}),
    ...(config ? { configPath: config } : {}),
    ...(failOn ? { failOn } : {}),
    ...(pssLevel ? { pssLevel } : {}),
    ...(pssVersion !== undefined ? { pssVersion } : {})
  };
  return {
    request,
    sarifFile: core.getInput('sarif-file') || 'gitops-gate.sarif',
    annotations: core.getInput('annotations') !== 'false',
    ...(pr ? { pullRequest: { number: pr.number, baseSha: pr.base.sha, headSha: pr.head.sha } } : {}),
    serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
    repository: env.GITHUB_REPOSITORY ?? '',
    headSha: pr?.head.sha ?? env.GITHUB_SHA ?? ''
  };
}
