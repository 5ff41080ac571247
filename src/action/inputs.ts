/** The action's inputs and event, read once into a ScanRequest plus reporting options. */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { SEVERITIES } from '../analyze/types.js';
import { parsePssVersion } from '../analyze/pss/types.js';
import { parseKubeVersion } from '../render/helm/engine.js';
import { pullRequestFromEvent, type PullRequestContext, type PullRequestEventPayload } from '../github/pull-request.js';
import type { ScanRequest } from '../run.js';
import type { FailOn } from '../settings/types.js';

export interface ActionInputs {
  request: ScanRequest;
  sarifFile: string;
  annotations: boolean;
  /** The pull request being checked, when the event is one. */
  pullRequest?: PullRequestContext;
  serverUrl: string;
  repository: string;
  headSha: string;
  eventName: string;
  /** `GITHUB_REF` (push events): the ref SARIF is uploaded for outside pull requests. */
  ref: string;
  /** Commit checked out (`GITHUB_SHA`). */
  sha: string;
  apiUrl: string;
  /** Token for the GitHub API; empty means no API calls. */
  token: string;
  /** Post review comments on the pull request. */
  reviewComments: boolean;
  reviewEvent: 'COMMENT' | 'REQUEST_CHANGES';
  maxComments: number;
  uploadSarif: boolean;
  /** Code scanning category (SARIF `automationDetails.id`). */
  category: string;
  /** A reporting problem (comments, upload) fails the step too. */
  failOnReportError: boolean;
  /** Restore and save the chart cache folder with the Actions cache service. */
  chartCache: boolean;
}

function choice<T extends string>(name: string, allowed: readonly T[]): T | undefined {
  const value = core.getInput(name);
  if (value === '') return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`input "${name}" must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

type PullRequestEvent = PullRequestEventPayload;

function bool(name: string, fallback: boolean): boolean {
  const value = core.getInput(name).trim().toLowerCase();
  if (value === '') return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new Error(`input "${name}" must be true or false (got "${core.getInput(name)}")`);
}

function integer(name: string, fallback: number, min: number, max: number): number {
  const text = core.getInput(name).trim();
  if (text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`input "${name}" must be a whole number from ${min} to ${max} (got "${text}")`);
  return value;
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
  const repository = env.GITHUB_REPOSITORY ?? '';
  const pr = pullRequestFromEvent(eventName, event, repository);
  const pssVersionText = core.getInput('pss-version');
  const pssVersion = pssVersionText === '' ? undefined : parsePssVersion(pssVersionText);
  if (pssVersionText !== '' && pssVersion === undefined) throw new Error(`input "pss-version" must be v1.0 to v1.37 or latest (got "${pssVersionText}")`);
  const base = core.getInput('base') || pr?.baseSha;
  const failOn = choice<FailOn>('fail-on', ['none', ...SEVERITIES]);
  const pssLevel = choice('pss-level', ['privileged', 'baseline', 'restricted'] as const);
  const config = core.getInput('config');
  const kubeVersion = core.getInput('kube-version').trim();
  if (kubeVersion !== '') {
    try {
      parseKubeVersion(kubeVersion);
    } catch (err) {
      throw new Error(`input "kube-version": ${(err as Error).message}`);
    }
  }
  const apiVersions = core.getInput('api-versions').split(/[,\n]/).map((v) => v.trim()).filter(Boolean);
  const request: ScanRequest = {
    root: core.getInput('path') || '.',
    ...(base ? { base } : {}),
    ...(config ? { configPath: config } : {}),
    ...(failOn ? { failOn } : {}),
    ...(pssLevel ? { pssLevel } : {}),
    ...(pssVersion !== undefined ? { pssVersion } : {}),
    ...(kubeVersion ? { kubeVersion } : {}),
    ...(apiVersions.length > 0 ? { apiVersions } : {}),
    cacheDir: core.getInput('cache-dir').trim() || path.join(env.RUNNER_TEMP || os.tmpdir(), 'gitops-gate-charts'),
    ...(bool('offline', false) ? { offline: true } : {})
  };
  const token = core.getInput('token');
  if (token) core.setSecret(token);
  const reviewEventText = core.getInput('review-event').trim().toUpperCase();
  if (reviewEventText !== '' && reviewEventText !== 'COMMENT' && reviewEventText !== 'REQUEST_CHANGES') {
    throw new Error(`input "review-event" must be one of COMMENT, REQUEST_CHANGES (got "${core.getInput('review-event')}")`);
  }
  const reviewEvent: ActionInputs['reviewEvent'] = reviewEventText === 'REQUEST_CHANGES' ? 'REQUEST_CHANGES' : 'COMMENT';
  const category = core.getInput('category').trim() || 'gitops-gate';
  return {
    request,
    sarifFile: core.getInput('sarif-file') || 'gitops-gate.sarif',
    annotations: core.getInput('annotations') !== 'false',
    ...(pr ? { pullRequest: pr } : {}),
    serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
    repository,
    headSha: pr?.headSha ?? env.GITHUB_SHA ?? '',
    eventName,
    ref: env.GITHUB_REF ?? '',
    sha: env.GITHUB_SHA ?? '',
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    token,
    reviewComments: bool('review-comments', pr !== undefined) && pr !== undefined,
    reviewEvent,
    maxComments: integer('max-comments', 30, 0, 1000),
    uploadSarif: bool('upload-sarif', false),
    category,
    failOnReportError: bool('fail-on-report-error', false),
    chartCache: bool('chart-cache', true)
  };
}
