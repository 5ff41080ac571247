/** publishReview against the loopback GitHub: the API calls, without the action around them. */
import { afterEach, describe, expect, test } from '@jest/globals';
import { createGitHubClient } from '../../src/github/client.js';
import type { PullRequestContext } from '../../src/github/pull-request.js';
import { publishReview, type CommentGroup, type ReviewPlan } from '../../src/github/review.js';
import { buildReviewBody } from '../../src/report/review-body.js';
import { buildReviewComment } from '../../src/report/review-comment.js';
import { prFileFor, startLoopbackGitHub, type LoopbackGitHub } from '../helpers/github-loopback/index.js';
import { finding } from '../helpers/report-fixtures.js';

const BASE = 'a: 1\nb: 2\nc: 3\n';
const HEAD = 'a: 1\nprivileged: true\nb: 2\nhostNetwork: true\nc: 3\n';
const log = { info: () => undefined, warning: () => undefined };
let gh: LoopbackGitHub | undefined;
afterEach(async () => {
  await gh?.close();
  gh = undefined;
});

async function setup(token = 'test-token') {
  gh = await startLoopbackGitHub({
    repository: { owner: 'acme', name: 'gitops' },
    tokens: { 'test-token': 'write', 'read-token': 'read' },
    pullRequests: [{ number: 5, head: { sha: 'h'.repeat(40) }, files: [prFileFor('m.yaml', BASE, HEAD)] }]
  });
  const client = createGitHubClient({ token, baseUrl: gh.url, retryBaseMs: 5, log: { debug: () => undefined, warning: () => undefined } });
  const pr: PullRequestContext = { owner: 'acme', repo: 'gitops', number: 5, baseSha: gh.pull(5).base.sha, headSha: 'h'.repeat(40), isFork: false, isTarget: false, author: 'octocat' };
  return { gh, client, pr };
}

const priv = finding({ fingerprint: 'fp-priv', location: { file: 'm.yaml', line: 2 } });
const host = finding({ fingerprint: 'fp-host', ruleId: 'pss-host-namespaces', path: ['spec', 'hostNetwork'], location: { file: 'm.yaml', line: 4 } });
const context = finding({ fingerprint: 'fp-ctx', location: { file: 'm.yaml', line: 3 } });

function options(client: ReturnType<typeof createGitHubClient>, pr: PullRequestContext, findings = [priv, host, context], extra: Partial<Parameters<typeof publishReview>[0]> = {}) {
  return {
    client,
    pr,
    findings,
    maxComments: 30,
    event: 'COMMENT' as const,
    commentBody: (g: CommentGroup) => buildReviewComment({ findings: g.findings }),
    reviewBody: (plan: ReviewPlan, posted: CommentGroup[]) =>
      buildReviewBody({
        commentsPosted: posted.length,
        findingsCommented: posted.length,
        alreadyCommented: plan.handledBefore.length,
        overflow: plan.overflow,
        maxComments: 30,
        offDiff: plan.offDiff,
        fixed: plan.fixed.length,
        blocking: 1,
        reported: [...plan.overflow, ...plan.offDiff].map((f) => f.fingerprint)
      }),
    log,
    ...extra
  };
}

describe('publishReview', () => {
  test('without git changes it reads the added lines from the PR files API; a context line is not commented', async () => {
    const { gh, client, pr } = await setup();
    const out = await publishReview(options(client, pr));
    expect(out.status).toBe('posted');
    expect(out.commentsPosted).toBe(2);
    expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toContain('GET /repos/acme/gitops/pulls/5/files');
    expect(gh.pull(5).reviewComments.map((c) => c.line).sort()).toEqual([2, 4]);
    expect(gh.pull(5).reviews[0].body).toContain('fp-ctx');
    expect(gh.violations).toEqual([]);
  });

  test('a re-run skips what is commented and what the body reported', async () => {
    const { gh, client, pr } = await setup();
    await publishReview(options(client, pr));
    const again = await publishReview(options(client, pr));
    expect(again.status).toBe('nothing-new');
    expect(gh.pull(5).reviews).toHaveLength(1);
  });

  test('a fixed finding: the thread is resolved; when GraphQL is refused, the comment is edited instead', async () => {
    const { gh, client, pr } = await setup();
    await publishReview(options(client, pr));
    const resolved = await publishReview(options(client, pr, [host, context]));
    expect(resolved.resolved).toBe(1);
    const pull = gh.pull(5);
    const privComment = pull.reviewComments.find((c) => c.body.includes('fp-priv'))!;
    expect(pull.reviewThreads.find((t) => t.id === privComment.threadId)!.isResolved).toBe(true);

    // Now the host finding goes too, and GraphQL fails every time.
    gh.fault({ method: 'POST', path: '/graphql', status: 403, body: { message: 'Resource not accessible by integration' }, times: Infinity });
    const edited = await publishReview(options(client, pr, [context]));
    gh.clearFaults();
    // Without GraphQL the resolved state is unknown: both gone comments are marked fixed (harmless, and only once).
    expect(edited.resolved).toBe(2);
    const hostComment = gh.pull(5).reviewComments.find((c) => c.body.includes('fp-host'))!;
    expect(hostComment.body).toContain('**Fixed** in hhhhhhhhhhhh');
    expect(edited.warnings.join(' ')).toMatch(/review threads/);
    const once = await publishReview(options(client, pr, [context]));
    expect(once.resolved).toBe(0);
    expect(gh.violations).toEqual([]);
  });

  test('a read-only token: status read-only, nothing written', async () => {
    const { gh, client, pr } = await setup('read-token');
    const out = await publishReview(options(client, pr));
    expect(out.status).toBe('read-only');
    expect(gh.pull(5).reviews).toHaveLength(0);
  });

  test('max-comments: the rest goes into the body; REQUEST_CHANGES is passed on', async () => {
    const { gh, client, pr } = await setup();
    const out = await publishReview(options(client, pr, [priv, host], { maxComments: 1, event: 'REQUEST_CHANGES' }));
    expect(out.commentsPosted).toBe(1);
    expect(out.plan!.overflow).toHaveLength(1);
    expect(gh.pull(5).reviews[0].state).toBe('CHANGES_REQUESTED');
    expect(gh.pull(5).reviews[0].body).toContain('over the limit of 30');
  });
});
