/** The new action inputs: defaults, parsing and errors. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from '@jest/globals';
import { readInputs } from '../../src/action/inputs.js';

const saved = { ...process.env };
afterEach(() => {
  for (const k of Object.keys(process.env)) if (k.startsWith('INPUT_')) delete process.env[k];
  Object.assign(process.env, saved);
});

function env(eventName: string, event: unknown, inputs: Record<string, string> = {}): NodeJS.ProcessEnv {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gg-inputs-'));
  writeFileSync(path.join(dir, 'event.json'), JSON.stringify(event));
  for (const k of Object.keys(process.env)) if (k.startsWith('INPUT_')) delete process.env[k];
  for (const [k, v] of Object.entries(inputs)) process.env[`INPUT_${k.toUpperCase()}`] = v;
  return { GITHUB_EVENT_NAME: eventName, GITHUB_EVENT_PATH: path.join(dir, 'event.json'), GITHUB_REPOSITORY: 'acme/gitops', GITHUB_SHA: 'm'.repeat(40), GITHUB_REF: 'refs/pull/3/merge' };
}

const prEvent = { pull_request: { number: 3, base: { sha: 'b'.repeat(40), repo: { full_name: 'acme/gitops' } }, head: { sha: 'h'.repeat(40), repo: { full_name: 'acme/gitops' } } } };

describe('readInputs', () => {
  test('defaults on a pull request: review comments on, COMMENT, 30 comments, no upload, category gitops-gate', () => {
    const inputs = readInputs(env('pull_request', prEvent, { token: 'secret' }));
    expect(inputs).toMatchObject({
      token: 'secret',
      reviewComments: true,
      reviewEvent: 'COMMENT',
      maxComments: 30,
      uploadSarif: false,
      category: 'gitops-gate',
      failOnReportError: false,
      apiUrl: 'https://api.github.com',
      headSha: 'h'.repeat(40)
    });
    expect(inputs.pullRequest).toMatchObject({ number: 3, isFork: false });
    expect(inputs.request.base).toBe('b'.repeat(40));
  });

  test('review comments are off outside pull requests whatever the input says', () => {
    expect(readInputs(env('push', {}, { 'review-comments': 'true' })).reviewComments).toBe(false);
  });

  test('explicit values and their errors', () => {
    const inputs = readInputs(env('pull_request', prEvent, { 'review-event': 'request_changes', 'max-comments': '5', 'upload-sarif': 'true', 'fail-on-report-error': 'true', category: 'k8s/prod' }));
    expect(inputs).toMatchObject({ reviewEvent: 'REQUEST_CHANGES', maxComments: 5, uploadSarif: true, failOnReportError: true, category: 'k8s/prod' });
    expect(() => readInputs(env('pull_request', prEvent, { 'max-comments': 'many' }))).toThrow(/"max-comments" must be a whole number/);
    expect(() => readInputs(env('pull_request', prEvent, { 'upload-sarif': 'yes' }))).toThrow(/"upload-sarif" must be true or false/);
    expect(() => readInputs(env('pull_request', prEvent, { 'review-event': 'APPROVE' }))).toThrow(/"review-event" must be one of COMMENT, REQUEST_CHANGES/);
  });

  test("Helm's environment: kube-version and api-versions (comma- or newline-separated), a bad version refused", () => {
    const inputs = readInputs(env('push', {}, { 'kube-version': 'v1.36.1', 'api-versions': 'monitoring.coreos.com/v1, x.io/v1\ny.io/v1beta1' }));
    expect(inputs.request).toMatchObject({ kubeVersion: 'v1.36.1', apiVersions: ['monitoring.coreos.com/v1', 'x.io/v1', 'y.io/v1beta1'] });
    expect(readInputs(env('push', {})).request.kubeVersion).toBeUndefined();
    expect(() => readInputs(env('push', {}, { 'kube-version': 'latest' }))).toThrow(/input "kube-version": invalid kube version 'latest'/);
  });
});
