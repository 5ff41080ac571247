/**
 * The loopback GitHub (helpers/github-loopback): a fake GitHub REST/GraphQL API on 127.0.0.1 that checks
 * every request against GitHub's OpenAPI description. Exercised with the real @octokit/rest and plugins.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { gzipSync } from 'node:zlib';
import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import {
  diffPatchFor, filesFromGitDiff, parsePatch, prFileFor, startLoopbackGitHub, type LoopbackGitHub, type LoopbackOptions, type PrFile
} from './helpers/github-loopback/index.js';
import { commitAll, git, gitRepo, removeDir, writeTree } from './helpers/temp-repo.js';

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function client(gh: LoopbackGitHub, auth: string | undefined = 'test-token'): Octokit {
  return new Octokit({ ...(auth ? { auth } : {}), baseUrl: gh.url, log: silent });
}

async function status(p: Promise<unknown>): Promise<{ status: number; data: unknown }> {
  try {
    await p;
  } catch (e) {
    const err = e as { status?: number; response?: { data?: unknown } };
    return { status: err.status ?? -1, data: err.response?.data };
  }
  throw new Error('expected the request to fail');
}

const BASE_DEPLOY = Array.from({ length: 40 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
const HEAD_DEPLOY = BASE_DEPLOY.replace('line 5\n', 'line 5 changed\nline 5b added\n').replace('line 30\n', 'line 30 changed\n');

/** A real git repository with a base and head commit; the PR files come from `git diff`. */
let repoDir: string;
let baseSha: string;
let headSha: string;
let files: PrFile[];

beforeAll(() => {
  repoDir = gitRepo({ 'apps/web/deployment.yaml': BASE_DEPLOY, 'apps/web/old.yaml': 'kind: ConfigMap\n', 'docs/README.md': 'hello\n' });
  baseSha = git(repoDir, 'rev-parse', 'HEAD');
  git(repoDir, 'checkout', '-q', '-b', 'feature');
  writeTree(repoDir, { 'apps/web/deployment.yaml': HEAD_DEPLOY, 'apps/web/new.yaml': 'kind: Service\nmetadata:\n  name: web\n' });
  git(repoDir, 'rm', '-q', 'apps/web/old.yaml');
  git(repoDir, 'mv', 'docs/README.md', 'docs/INDEX.md');
  headSha = commitAll(repoDir, 'head');
  files = filesFromGitDiff(repoDir, baseSha, headSha);
});

afterAll(() => removeDir(repoDir));

function options(extra: Partial<LoopbackOptions> = {}): LoopbackOptions {
  return {
    repository: { owner: 'acme', name: 'infra' },
    pullRequests: [{ number: 7, base: { ref: 'main', sha: baseSha }, head: { ref: 'feature', sha: headSha }, files }],
    ...extra
  };
}

let gh: LoopbackGitHub | undefined;
async function start(extra: Partial<LoopbackOptions> = {}): Promise<LoopbackGitHub> {
  gh = await startLoopbackGitHub(options(extra));
  return gh;
}
afterEach(async () => {
  await gh?.close();
  gh = undefined;
});

const repoArgs = { owner: 'acme', repo: 'infra' } as const;

describe('diff helpers', () => {
  it('builds the PR files list from a real git diff, like GitHub', () => {
    const byName = Object.fromEntries(files.map((f) => [f.filename, f]));
    expect(Object.keys(byName).sort()).toEqual(['apps/web/deployment.yaml', 'apps/web/new.yaml', 'apps/web/old.yaml', 'docs/INDEX.md']);
    expect(byName['apps/web/deployment.yaml']).toMatchObject({ status: 'modified', additions: 3, deletions: 2, changes: 5 });
    expect(byName['apps/web/deployment.yaml'].patch).toMatch(/^@@ -2,7 \+2,8 @@/);
    expect(byName['apps/web/new.yaml']).toMatchObject({ status: 'added', additions: 3, deletions: 0 });
    expect(byName['apps/web/old.yaml']).toMatchObject({ status: 'removed', additions: 0, deletions: 1 });
    expect(byName['docs/INDEX.md']).toMatchObject({ status: 'renamed', previous_filename: 'docs/README.md', changes: 0 });
    expect(byName['docs/INDEX.md'].patch).toBeUndefined();
    expect(byName['apps/web/new.yaml'].sha).toMatch(/^[0-9a-f]{40}$/);
  });

  it('parses hunks with line numbers on both sides and positions', () => {
    const hunks = parsePatch(files.find((f) => f.filename === 'apps/web/deployment.yaml')!.patch!);
    expect(hunks).toHaveLength(2);
    const added = hunks[0].lines.filter((l) => l.kind === '+').map((l) => l.newLine);
    expect(added).toEqual([5, 6]);
    expect(hunks[0].lines.find((l) => l.kind === '-')?.oldLine).toBe(5);
    expect(hunks[1].headerPosition).toBe(hunks[0].lines.length + 1);
  });

  it('diffPatchFor and prFileFor diff two texts', () => {
    expect(diffPatchFor('a\nb\n', 'a\nc\n')).toBe('@@ -1,2 +1,2 @@\n a\n-b\n+c');
    expect(diffPatchFor('same\n', 'same\n')).toBe('');
    expect(prFileFor('x.yaml', null, 'a: 1\n')).toMatchObject({ status: 'added', additions: 1, deletions: 0, patch: '@@ -0,0 +1 @@\n+a: 1' });
  });
});

describe('REST happy path', () => {
  it('serves repo, PR, files, reviews and comments with schema-valid responses and no violations', async () => {
    const server = await start({ pullRequests: [{ number: 7, base: { sha: baseSha }, head: { ref: 'feature', sha: headSha, repoFullName: 'someone/infra' }, files }] });
    const octokit = client(server);

    const repo = await octokit.rest.repos.get(repoArgs);
    expect(repo.data.full_name).toBe('acme/infra');
    const pr = await octokit.rest.pulls.get({ ...repoArgs, pull_number: 7 });
    expect(pr.data.head.sha).toBe(headSha);
    expect(pr.data.head.repo?.full_name).toBe('someone/infra'); // fork PR
    expect(pr.data.base.repo.full_name).toBe('acme/infra');

    const listed = await octokit.rest.pulls.listFiles({ ...repoArgs, pull_number: 7, per_page: 100 });
    expect(listed.data.map((f) => f.filename).sort()).toEqual(files.map((f) => f.filename).sort());
    expect(listed.headers['x-github-request-id']).toMatch(/^[0-9A-F]+:/);
    expect(Number(listed.headers['x-ratelimit-remaining'])).toBeLessThan(5000);

    const review = await octokit.rest.pulls.createReview({
      ...repoArgs, pull_number: 7, commit_id: headSha, event: 'COMMENT', body: 'gitops-gate found 2 problems',
      comments: [
        { path: 'apps/web/deployment.yaml', line: 6, side: 'RIGHT', body: 'single line' },
        { path: 'apps/web/deployment.yaml', start_line: 5, start_side: 'RIGHT', line: 6, side: 'RIGHT', body: 'range' },
        { path: 'apps/web/old.yaml', line: 1, side: 'LEFT', body: 'on a deleted line' }
      ]
    });
    expect(review.status).toBe(200);
    expect(review.data.state).toBe('COMMENTED');

    const comments = await octokit.rest.pulls.listReviewComments({ ...repoArgs, pull_number: 7 });
    expect(comments.data).toHaveLength(3);
    const [single, range] = comments.data;
    expect(single).toMatchObject({ path: 'apps/web/deployment.yaml', line: 6, original_line: 6, side: 'RIGHT', commit_id: headSha, pull_request_review_id: review.data.id, user: { login: 'github-actions[bot]' } });
    expect(single.diff_hunk.split('\n').pop()).toBe('+line 5b added');
    expect(range).toMatchObject({ start_line: 5, line: 6, start_side: 'RIGHT' });

    const updated = await octokit.rest.pulls.updateReviewComment({ ...repoArgs, comment_id: single.id, body: 'edited' });
    expect(updated.data.body).toBe('edited');
    const reviews = await octokit.rest.pulls.listReviews({ ...repoArgs, pull_number: 7 });
    expect(reviews.data.map((r) => r.id)).toEqual([review.data.id]);
    const forReview = await octokit.rest.pulls.listCommentsForReview({ ...repoArgs, pull_number: 7, review_id: review.data.id });
    expect(forReview.data).toHaveLength(3);
    const issueComment = await octokit.rest.issues.createComment({ ...repoArgs, issue_number: 7, body: 'summary' });
    expect(issueComment.status).toBe(201);
    await octokit.rest.issues.updateComment({ ...repoArgs, comment_id: issueComment.data.id, body: 'summary v2' });
    const reply = await octokit.rest.pulls.createReplyForReviewComment({ ...repoArgs, pull_number: 7, comment_id: range.id, body: 'thanks' });
    expect(reply.data.in_reply_to_id).toBe(range.id);
    await octokit.rest.pulls.deleteReviewComment({ ...repoArgs, comment_id: comments.data[2].id });

    const state = server.pull(7);
    expect(state.reviewComments.map((c) => c.body)).toEqual(['edited', 'range', 'thanks']);
    expect(state.reviewThreads).toHaveLength(2);
    expect(state.reviewThreads[1].commentIds).toEqual([range.id, reply.data.id]);
    expect(state.reviewThreads[0].id).toMatch(/^PRRT_/);
    expect(server.state.issueComments.map((c) => c.body)).toEqual(['summary v2']);
    expect(server.requests.every((r) => r.status < 300)).toBe(true);
    expect(server.requests.find((r) => r.method === 'POST' && r.path.endsWith('/reviews'))?.operationId).toBe('pulls/create-review');
    expect(server.violations).toEqual([]);
  });

  it('answers single review comments (line, file subject) and pending reviews like GitHub', async () => {
    const server = await start();
    const octokit = client(server);
    const c = await octokit.rest.pulls.createReviewComment({ ...repoArgs, pull_number: 7, commit_id: headSha, path: 'apps/web/new.yaml', line: 2, side: 'RIGHT', body: 'here' });
    expect(c.data).toMatchObject({ line: 2, subject_type: 'line' });
    const f = await octokit.rest.pulls.createReviewComment({ ...repoArgs, pull_number: 7, commit_id: headSha, path: 'apps/web/new.yaml', subject_type: 'file', body: 'whole file' });
    expect(f.data).toMatchObject({ line: null, subject_type: 'file' });
    const pending = await octokit.rest.pulls.createReview({ ...repoArgs, pull_number: 7, comments: [{ path: 'apps/web/new.yaml', line: 1, body: 'draft' }] });
    expect(pending.data.state).toBe('PENDING');
    const again = await status(octokit.rest.pulls.createReview({ ...repoArgs, pull_number: 7 }));
    expect(again.status).toBe(422);
    expect(again.data).toMatchObject({ errors: ['User can only have one pending review per pull request'] });
    const submitted = await octokit.rest.pulls.submitReview({ ...repoArgs, pull_number: 7, review_id: pending.data.id, event: 'COMMENT', body: 'done' });
    expect(submitted.data.state).toBe('COMMENTED');
    const outside = await status(octokit.rest.pulls.createReviewComment({ ...repoArgs, pull_number: 7, commit_id: headSha, path: 'apps/web/deployment.yaml', line: 20, body: 'x' }));
    expect(outside.status).toBe(422);
    expect(outside.data).toMatchObject({ message: 'Validation Failed', errors: [{ field: 'pull_request_review_thread.line', message: 'pull_request_review_thread.line must be part of the diff' }, { code: 'missing_field' }] });
    expect(server.violations).toEqual([]);
  });
});

describe('OpenAPI validation', () => {
  it('records a violation and answers 422 for a body that does not match the schema', async () => {
    const server = await start();
    const octokit = client(server);
    const badEvent = await status(octokit.request('POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews', { ...repoArgs, pull_number: 7, event: 'MAYBE', body: 'x' } as never));
    expect(badEvent.status).toBe(422);
    expect(String((badEvent.data as { message: string }).message)).toMatch(/^Invalid request/);
    const noPath = await status(octokit.request('POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews', { ...repoArgs, pull_number: 7, event: 'COMMENT', comments: [{ line: 5, body: 'x' }] } as never));
    expect(noPath.status).toBe(422);
    expect(server.violations.map((v) => v.kind)).toEqual(['request-body', 'request-body']);
    expect(server.violations[0]).toMatchObject({ operationId: 'pulls/create-review', message: expect.stringContaining('/event must be equal to one of the allowed values') });
    expect(server.violations[1].message).toContain("must have required property 'path'");
    expect(server.pull(7).reviews).toEqual([]);
  });

  it('flags unknown routes, bad path parameters and bad query parameters', async () => {
    const server = await start();
    const octokit = client(server);
    expect((await status(octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/nonsense', { ...repoArgs, pull_number: 7 }))).status).toBe(404);
    expect((await status(octokit.request('PUT /repos/{owner}/{repo}/pulls/{pull_number}/comments', { ...repoArgs, pull_number: 7 }))).status).toBe(404);
    expect((await status(octokit.request('GET /repos/acme/infra/pulls/abc'))).status).toBe(404);
    expect((await status(octokit.request('GET /repos/acme/infra/pulls/7/comments?direction=sideways'))).status).toBe(422);
    expect(server.violations.map((v) => v.kind)).toEqual(['unknown-route', 'unknown-route', 'path-param', 'query-param']);
  });

  it('checks responses against the documented schema', async () => {
    const server = await start();
    const op = server.spec.match('GET', '/repos/a/b/pulls/1/comments').operation!;
    expect(op.operationId).toBe('pulls/list-review-comments');
    expect(server.spec.checkResponse(op, 200, [{ id: 'nope' }])).toMatch(/must have required property|must be integer/);
    expect(server.spec.checkResponse(op, 200, [])).toBeUndefined();
    const comments = server.spec.match('PATCH', '/repos/a/b/pulls/comments/5').operation!;
    expect(comments.operationId).toBe('pulls/update-review-comment');
  });

  it('does not answer for other repositories', async () => {
    const server = await start();
    const r = await status(client(server).rest.pulls.get({ owner: 'acme', repo: 'other', pull_number: 7 }));
    expect(r.status).toBe(404);
    expect((await status(client(server).rest.pulls.get({ ...repoArgs, pull_number: 99 }))).status).toBe(404);
    expect(server.violations).toEqual([]);
  });
});

describe("GitHub's review rules", () => {
  it('rejects a review with a comment outside the diff (422, GitHub message) and stores nothing', async () => {
    const server = await start();
    const octokit = client(server);
    const r = await status(octokit.rest.pulls.createReview({
      ...repoArgs, pull_number: 7, commit_id: headSha, event: 'COMMENT', body: 'b',
      comments: [
        { path: 'apps/web/deployment.yaml', line: 6, side: 'RIGHT', body: 'fine' },
        { path: 'apps/web/deployment.yaml', line: 20, side: 'RIGHT', body: 'outside every hunk' }
      ]
    }));
    expect(r.status).toBe(422);
    expect(r.data).toMatchObject({ message: 'Unprocessable Entity', status: '422' });
    const errors = (r.data as { errors: string[] }).errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('Pull request review thread line must be part of the diff');
    expect(server.pull(7).reviews).toEqual([]);
    expect(server.pull(7).reviewComments).toEqual([]);
    expect(server.pull(7).reviewThreads).toEqual([]);
    expect(server.violations).toEqual([]);
  });

  it('rejects paths not in the PR, ranges across hunks, start_line >= line and bodies over 65536 characters', async () => {
    const server = await start();
    const octokit = client(server);
    const review = (comments: { path: string; line: number; start_line?: number; body: string; side?: 'LEFT' | 'RIGHT' }[]) =>
      status(octokit.rest.pulls.createReview({ ...repoArgs, pull_number: 7, event: 'COMMENT', body: 'b', comments }));
    const notInPr = await review([{ path: 'apps/other.yaml', line: 1, body: 'x' }]);
    expect((notInPr.data as { errors: string[] }).errors[0]).toBe("Pull request review thread path is invalid and Pull request review thread diff hunk can't be blank");
    const leftOnRight = await review([{ path: 'apps/web/old.yaml', line: 1, side: 'RIGHT', body: 'x' }]);
    expect((leftOnRight.data as { errors: string[] }).errors[0]).toContain('must be part of the diff');
    const acrossHunks = await review([{ path: 'apps/web/deployment.yaml', start_line: 6, line: 30, body: 'x' }]);
    expect((acrossHunks.data as { errors: string[] }).errors[0]).toBe('Pull request review thread start line must be part of the same hunk as the line.');
    const sameLine = await review([{ path: 'apps/web/deployment.yaml', start_line: 6, line: 6, body: 'x' }]);
    expect((sameLine.data as { errors: string[] }).errors[0]).toContain('start line must precede the end line');
    const long = await review([{ path: 'apps/web/deployment.yaml', line: 6, body: 'x'.repeat(65537) }]);
    expect((long.data as { errors: string[] }).errors[0]).toContain('is too long (maximum is 65536 characters)');
    const ok = await octokit.rest.pulls.createReview({ ...repoArgs, pull_number: 7, event: 'COMMENT', body: 'b', comments: [{ path: 'apps/web/deployment.yaml', line: 6, body: 'x'.repeat(65536) }] });
    expect(ok.status).toBe(200);
    expect(server.pull(7).reviews).toHaveLength(1);
    expect(server.violations).toEqual([]);
  });
});

describe('pagination', () => {
  it('pages 250 review comments with Link headers and octokit.paginate', async () => {
    const server = await start();
    for (let i = 0; i < 250; i++) server.seedReviewComment(7, { path: 'apps/web/deployment.yaml', line: 5 + (i % 2), body: `c${i}` });
    const octokit = client(server);
    const first = await octokit.rest.pulls.listReviewComments({ ...repoArgs, pull_number: 7, per_page: 100 });
    expect(first.data).toHaveLength(100);
    expect(first.headers.link).toContain('page=2>; rel="next"');
    expect(first.headers.link).toContain('page=3>; rel="last"');
    const all = await octokit.paginate(octokit.rest.pulls.listReviewComments, { ...repoArgs, pull_number: 7, per_page: 100 });
    expect(all.map((c) => c.body)).toEqual(Array.from({ length: 250 }, (_, i) => `c${i}`));
    expect(server.requests.filter((r) => r.operationId === 'pulls/list-review-comments')).toHaveLength(4);
    const defaults = await octokit.rest.pulls.listReviewComments({ ...repoArgs, pull_number: 7 });
    expect(defaults.data).toHaveLength(30);
    expect(server.violations).toEqual([]);
  });
});

describe('faults', () => {
  it('502 once, then success, with @octokit/plugin-retry', async () => {
    const server = await start();
    const fault = server.fault({ method: 'POST', path: /\/reviews$/, status: 502, times: 1 });
    const RetryOctokit = Octokit.plugin(retry);
    const octokit = new RetryOctokit({ auth: 'test-token', baseUrl: server.url, log: silent, retry: { retryAfterBaseValue: 10 } });
    const review = await octokit.rest.pulls.createReview({ ...repoArgs, pull_number: 7, event: 'COMMENT', body: 'b', comments: [{ path: 'apps/web/new.yaml', line: 1, body: 'x' }] });
    expect(review.status).toBe(200);
    expect(fault).toMatchObject({ hits: 1, remaining: 0 });
    expect(server.requests.map((r) => r.status)).toEqual([502, 200]);
    expect(server.pull(7).reviews).toHaveLength(1);
    expect(server.violations).toEqual([]);
  });

  it('afterHandling: the write happens but the client sees a 502 (duplicate risk on retry)', async () => {
    const server = await start();
    server.fault({ method: 'POST', path: /\/reviews$/, status: 502, afterHandling: true });
    const r = await status(client(server).rest.pulls.createReview({ ...repoArgs, pull_number: 7, event: 'COMMENT', body: 'b' }));
    expect(r.status).toBe(502);
    expect(server.pull(7).reviews).toHaveLength(1);
  });

  it('403 secondary rate limit with retry-after is honoured by @octokit/plugin-throttling', async () => {
    const server = await start();
    server.fault({ method: 'GET', path: '/repos/acme/infra/pulls/7', kind: 'secondary-rate-limit', retryAfter: 1 });
    const seen: number[] = [];
    const ThrottledOctokit = Octokit.plugin(throttling);
    const octokit = new ThrottledOctokit({
      auth: 'test-token', baseUrl: server.url, log: silent,
      throttle: {
        retryAfterBaseValue: 200, // 1 "second" of retry-after = 200 ms here
        onSecondaryRateLimit: (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) => { seen.push(retryAfter); return retryCount < 1; },
        onRateLimit: () => false
      }
    });
    const pr = await octokit.rest.pulls.get({ ...repoArgs, pull_number: 7 });
    expect(pr.status).toBe(200);
    expect(seen).toEqual([1]);
    const [limited, ok] = server.requests;
    expect(limited.status).toBe(403);
    expect(ok.status).toBe(200);
    expect(ok.startedAt - limited.startedAt).toBeGreaterThanOrEqual(150);
  });

  it('429 with retry-after, primary rate limit, slow responses and connection resets', async () => {
    const server = await start();
    const octokit = client(server);
    server.fault({ path: '/repos/acme/infra', status: 429, retryAfter: 3 });
    const tooMany = await status(octokit.rest.repos.get(repoArgs));
    expect(tooMany.status).toBe(429);
    server.fault({ path: '/repos/acme/infra', kind: 'rate-limit', retryAfter: 30 });
    const limited = (await status(octokit.rest.repos.get(repoArgs))) as { status: number; data: { message: string } };
    expect(limited.status).toBe(403);
    expect(limited.data.message).toMatch(/^API rate limit exceeded/);
    server.fault({ path: '/repos/acme/infra', delayMs: 120 });
    const t0 = Date.now();
    await octokit.rest.repos.get(repoArgs);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
    server.fault({ path: '/repos/acme/infra', kind: 'reset' });
    await expect(octokit.rest.repos.get(repoArgs)).rejects.toThrow();
    await expect(octokit.rest.repos.get(repoArgs)).resolves.toMatchObject({ status: 200 });
    expect(server.requests.map((r) => [r.status, r.fault])).toEqual([[429, 'status'], [403, 'rate-limit'], [200, 'delay'], [0, 'reset'], [200, undefined]]);
  });
});

const THREADS_QUERY = `query($owner: String!, $name: String!, $number: Int!, $after: String) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviewThreads(first: 2, after: $after) {
        nodes { id isResolved isOutdated path comments(first: 100) { nodes { databaseId body author { login } } } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}`;

interface ThreadsPage {
  repository: { pullRequest: { reviewThreads: { nodes: { id: string; isResolved: boolean; isOutdated: boolean; comments: { nodes: { databaseId: number; body: string }[] } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } };
}

describe('GraphQL', () => {
  it('lists review threads with cursor pagination and resolves one', async () => {
    const server = await start();
    const a = server.seedReviewComment(7, { path: 'apps/web/deployment.yaml', line: 6, body: 'a' });
    server.seedReviewComment(7, { path: 'apps/web/deployment.yaml', line: 6, body: 'a-reply', inReplyToId: a.id, user: 'octocat' });
    server.seedReviewComment(7, { path: 'apps/web/new.yaml', line: 1, body: 'b', resolved: true });
    server.seedReviewComment(7, { path: 'apps/web/deployment.yaml', line: 12, body: 'c', outdated: true });
    const octokit = client(server);
    const nodes: ThreadsPage['repository']['pullRequest']['reviewThreads']['nodes'] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const res: ThreadsPage = await octokit.graphql<ThreadsPage>(THREADS_QUERY, { owner: 'acme', name: 'infra', number: 7, after });
      nodes.push(...res.repository.pullRequest.reviewThreads.nodes);
      if (!res.repository.pullRequest.reviewThreads.pageInfo.hasNextPage) break;
      after = res.repository.pullRequest.reviewThreads.pageInfo.endCursor;
    }
    expect(nodes.map((n) => [n.isResolved, n.isOutdated, n.comments.nodes.map((c) => c.body)])).toEqual([
      [false, false, ['a', 'a-reply']], [true, false, ['b']], [false, true, ['c']]
    ]);
    expect(nodes[0].comments.nodes[0].databaseId).toBe(a.id);
    expect(nodes[0].id).toMatch(/^PRRT_/);

    const resolved = await octokit.graphql<{ resolveReviewThread: { thread: { id: string; isResolved: boolean } } }>(
      'mutation($id: ID!) { resolveReviewThread(input: { threadId: $id }) { thread { id isResolved } } }', { id: nodes[0].id });
    expect(resolved.resolveReviewThread.thread).toEqual({ id: nodes[0].id, isResolved: true });
    expect(server.pull(7).reviewThreads[0]).toMatchObject({ isResolved: true, resolvedBy: 'github-actions[bot]' });

    const minimized = await octokit.graphql<{ minimizeComment: { minimizedComment: { isMinimized: boolean; minimizedReason: string } } }>(
      'mutation($id: ID!) { minimizeComment(input: { subjectId: $id, classifier: OUTDATED }) { minimizedComment { isMinimized minimizedReason } } }', { id: a.nodeId });
    expect(minimized.minimizeComment.minimizedComment).toEqual({ isMinimized: true, minimizedReason: 'outdated' });
    expect(server.violations).toEqual([]);
  });

  it('answers invalid queries with GitHub-shaped errors and records violations', async () => {
    const server = await start();
    const octokit = client(server);
    await expect(octokit.graphql('{ repository(owner: "acme", name: "infra") { pullRequest(number: 7) { reviewThreadz(first: 1) { nodes { id } } } } }'))
      .rejects.toThrow("Field 'reviewThreadz' doesn't exist on type 'PullRequest'");
    await expect(octokit.graphql('{ repository(owner: "acme", name: "infra") { pullRequest(number: 7) { reviewThreads { nodes { id } } } } }'))
      .rejects.toThrow('You must provide a `first` or `last` value to properly paginate the `reviewThreads` connection.');
    await expect(octokit.graphql('{ repository(owner: "acme", name: "infra") { pullRequest(number: 99) { id } } }'))
      .rejects.toThrow('Could not resolve to a PullRequest with the number of 99.');
    expect(server.violations.map((v) => v.kind)).toEqual(['graphql', 'graphql']);
  });
});

describe('tokens', () => {
  it('read-only tokens (fork PRs) get 403 on writes but can read; unknown tokens get 401', async () => {
    const server = await start({ tokens: { 'test-token': 'write', 'fork-token': 'read' } });
    const readOnly = client(server, 'fork-token');
    await expect(readOnly.rest.pulls.get({ ...repoArgs, pull_number: 7 })).resolves.toMatchObject({ status: 200 });
    const denied = await status(readOnly.rest.pulls.createReview({ ...repoArgs, pull_number: 7, event: 'COMMENT', body: 'x' }));
    expect(denied).toMatchObject({ status: 403, data: { message: 'Resource not accessible by integration' } });
    const sarifDenied = await status(readOnly.rest.codeScanning.uploadSarif({ ...repoArgs, commit_sha: headSha, ref: 'refs/pull/7/head', sarif: 'H4sI' }));
    expect(sarifDenied.status).toBe(403);
    const mutation = readOnly.graphql('mutation { resolveReviewThread(input: { threadId: "PRRT_x" }) { thread { id } } }');
    await expect(mutation).rejects.toThrow('Resource not accessible by integration');
    const bad = await status(client(server, 'nope').rest.pulls.get({ ...repoArgs, pull_number: 7 }));
    expect(bad).toMatchObject({ status: 401, data: { message: 'Bad credentials' } });
    expect(server.pull(7).reviews).toEqual([]);
    expect(server.violations).toEqual([]);
  });
});

describe('SARIF upload', () => {
  const sarifLog = (results: unknown[]) => ({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'gitops-gate', rules: [{ id: 'GG001' }] } }, results }]
  });
  const encode = (log: unknown) => gzipSync(Buffer.from(JSON.stringify(log))).toString('base64');
  const result = { ruleId: 'GG001', message: { text: 'privileged container' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'apps/web/deployment.yaml' }, region: { startLine: 6 } } }] };

  it('decodes the upload and moves processing_status pending → complete', async () => {
    const server = await start({ sarifPendingPolls: 2 });
    const octokit = client(server);
    const up = await octokit.rest.codeScanning.uploadSarif({ ...repoArgs, commit_sha: headSha, ref: 'refs/pull/7/head', sarif: encode(sarifLog([result])), tool_name: 'gitops-gate' });
    expect(up.status).toBe(202);
    expect(up.data.id).toMatch(/^[0-9a-f-]{36}$/);
    const stored = server.state.sarifUploads[0];
    expect(stored).toMatchObject({ commitSha: headSha, ref: 'refs/pull/7/head', toolName: 'gitops-gate', processingStatus: 'pending' });
    expect((stored.sarif as ReturnType<typeof sarifLog>).runs[0].results).toEqual([result]);
    const statuses: string[] = [];
    for (let i = 0; i < 5; i++) {
      const s = await octokit.rest.codeScanning.getSarif({ ...repoArgs, sarif_id: up.data.id! });
      statuses.push(s.data.processing_status!);
      if (s.data.processing_status !== 'pending') {
        expect(s.data.analyses_url).toContain(`sarif_id=${up.data.id}`);
        break;
      }
    }
    expect(statuses).toEqual(['pending', 'pending', 'complete']);
    expect(server.state.sarifUploads[0].processingStatus).toBe('complete');
    expect(server.violations).toEqual([]);
  });

  it('fails processing for results without locations and rejects undecodable payloads', async () => {
    const server = await start({ sarifPendingPolls: 0 });
    const octokit = client(server);
    const up = await octokit.rest.codeScanning.uploadSarif({ ...repoArgs, commit_sha: headSha, ref: 'refs/pull/7/head', sarif: encode(sarifLog([{ ruleId: 'GG001', message: { text: 'x' } }])) });
    const s = await octokit.rest.codeScanning.getSarif({ ...repoArgs, sarif_id: up.data.id! });
    expect(s.data).toMatchObject({ processing_status: 'failed', errors: [expect.stringContaining('expected at least one location')] });
    const bad = await status(octokit.rest.codeScanning.uploadSarif({ ...repoArgs, commit_sha: headSha, ref: 'refs/pull/7/head', sarif: Buffer.from('{}').toString('base64') }));
    expect(bad.status).toBe(400);
    const badRef = await status(octokit.rest.codeScanning.uploadSarif({ ...repoArgs, commit_sha: headSha, ref: 'pull/7/head', sarif: encode(sarifLog([])) }));
    expect(badRef.status).toBe(422);
    expect(server.violations.map((v) => v.kind)).toEqual(['sarif', 'request-body']);
  });
});

describe('state changes', () => {
  it('a new head makes comments on lines that left the diff outdated', async () => {
    const server = await start();
    const kept = server.seedReviewComment(7, { path: 'apps/web/deployment.yaml', line: 31, body: 'kept' });
    const gone = server.seedReviewComment(7, { path: 'apps/web/deployment.yaml', line: 6, body: 'gone' });
    const newHead = 'f'.repeat(40);
    const patch = diffPatchFor(BASE_DEPLOY, BASE_DEPLOY.replace('line 30\n', 'line 30 changed\n'));
    server.pushHead(7, { sha: newHead, files: [{ filename: 'apps/web/deployment.yaml', status: 'modified', additions: 1, deletions: 1, changes: 2, patch }] });
    const list = await client(server).rest.pulls.listReviewComments({ ...repoArgs, pull_number: 7 });
    const byBody = Object.fromEntries(list.data.map((c) => [c.body, c]));
    expect(byBody.kept).toMatchObject({ line: 31, commit_id: newHead, original_commit_id: headSha });
    expect(byBody.gone).toMatchObject({ line: null, original_line: 6 });
    expect(server.pull(7).reviewThreads.find((t) => t.commentIds[0] === gone.id)?.isOutdated).toBe(true);
    expect(server.pull(7).reviewThreads.find((t) => t.commentIds[0] === kept.id)?.isOutdated).toBe(false);
    expect(server.violations).toEqual([]);
  });
});
