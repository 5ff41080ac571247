/** The pull request from the event: fork detection and the code-scanning ref. */
import { describe, expect, test } from '@jest/globals';
import { codeScanningRef, expectReadOnlyToken, pullRequestFromEvent } from '../../src/github/pull-request.js';
import { encodeSarif } from '../../src/github/sarif-upload.js';
import { gunzipSync } from 'node:zlib';

const event = (headRepo: string | null) => ({
  pull_request: {
    number: 7,
    user: { login: 'dev' },
    base: { sha: 'b'.repeat(40), ref: 'main', repo: { full_name: 'acme/gitops' } },
    head: { sha: 'h'.repeat(40), ref: 'feature', repo: headRepo === null ? null : { full_name: headRepo } }
  },
  repository: { full_name: 'acme/gitops' }
});

describe('pullRequestFromEvent', () => {
  test('a same-repository pull request', () => {
    const pr = pullRequestFromEvent('pull_request', event('acme/gitops'), 'acme/gitops')!;
    expect(pr).toMatchObject({ owner: 'acme', repo: 'gitops', number: 7, isFork: false, author: 'dev', baseRef: 'main' });
    expect(expectReadOnlyToken(pr)).toBe(false);
  });

  test('a fork, and a deleted fork, get a read-only token on pull_request but not on pull_request_target', () => {
    expect(expectReadOnlyToken(pullRequestFromEvent('pull_request', event('someone/gitops'), 'acme/gitops')!)).toBe(true);
    expect(expectReadOnlyToken(pullRequestFromEvent('pull_request', event(null), 'acme/gitops')!)).toBe(true);
    const target = pullRequestFromEvent('pull_request_target', event('someone/gitops'), 'acme/gitops')!;
    expect(target.isFork).toBe(true);
    expect(expectReadOnlyToken(target)).toBe(false);
  });

  test('other events have no pull request', () => {
    expect(pullRequestFromEvent('push', event('acme/gitops'), 'acme/gitops')).toBeUndefined();
    expect(pullRequestFromEvent('pull_request', {}, 'acme/gitops')).toBeUndefined();
  });
});

describe('codeScanningRef', () => {
  const pr = pullRequestFromEvent('pull_request', event('acme/gitops'), 'acme/gitops')!;
  test('the head ref when the head commit is checked out, the merge ref for the merge commit', () => {
    expect(codeScanningRef(pr, 'h'.repeat(40))).toEqual({ ref: 'refs/pull/7/head', commitSha: 'h'.repeat(40) });
    expect(codeScanningRef(pr, 'm'.repeat(40))).toEqual({ ref: 'refs/pull/7/merge', commitSha: 'm'.repeat(40) });
  });
});

describe('encodeSarif', () => {
  test('gzip then base64', () => {
    const { encoded, gzipBytes } = encodeSarif('{"version":"2.1.0"}');
    expect(gunzipSync(Buffer.from(encoded, 'base64')).toString('utf8')).toBe('{"version":"2.1.0"}');
    expect(gzipBytes).toBeGreaterThan(0);
  });
});

describe('filesDifferingFromHead', () => {
  test('a checkout other than the head commit: files that differ from the head are dropped from commenting', async () => {
    const { filesDifferingFromHead } = await import('../../src/github/publish.js');
    const { commitAll, gitRepo, writeTree } = await import('../helpers/temp-repo.js');
    const repo = gitRepo({ 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 1\n' });
    const head = commitAll(repo, 'head');
    expect(await filesDifferingFromHead(repo, head, ['a.yaml', 'b.yaml'])).toBe('none');
    writeTree(repo, { 'b.yaml': 'b: 2\n' });
    commitAll(repo, 'merge-like');
    expect(await filesDifferingFromHead(repo, head, ['a.yaml', 'b.yaml'])).toEqual(new Set(['b.yaml']));
    expect(await filesDifferingFromHead(repo, 'f'.repeat(40), ['a.yaml'])).toBe('all');
  });
});
