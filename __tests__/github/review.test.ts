/** publishReview against the loopback GitHub: the API calls, without the action around them. */
import { afterEach, describe, expect, test } from '@jest/globals';
import { ACTIONS_BOT_LOGIN, createGitHubClient, tokenLogin } from '../../src/github/client.js';
import type { PullRequestContext } from '../../src/github/pull-request.js';
import { publishReview, type CommentGroup, type ReviewPlan } from '../../src/github/review.js';
import { buildReviewBody } from '../../src/report/review-body.js';
import { buildReviewComment, fingerprintMarker } from '../../src/report/review-comment.js';
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

const TOKENS = {
  'test-token': 'write',
  'read-token': 'read',
  'user-token': { permission: 'write', login: 'gate-user' },
  'app-token': { permission: 'write', login: 'gitops-gate-app[bot]' },
  'mallory-token': { permission: 'write', login: 'mallory' }
} as const;

async function setup(token = 'test-token') {
  gh = await startLoopbackGitHub({
    repository: { owner: 'acme', name: 'gitops' },
    tokens: TOKENS,
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

describe('the token\'s account', () => {
  const clientFor = (gh: LoopbackGitHub, token: string) =>
    createGitHubClient({ token, baseUrl: gh.url, retryBaseMs: 5, retries: 1, log: { debug: () => undefined, warning: () => undefined } });
  const calls = (gh: LoopbackGitHub) => gh.requests.map((r) => `${r.method} ${r.path} ${r.status}`);

  test('a user token: GET /user names it, one request', async () => {
    const { gh } = await setup();
    expect(await tokenLogin(clientFor(gh, 'user-token'))).toBe('gate-user');
    expect(calls(gh)).toEqual(['GET /user 200']);
    expect(gh.violations).toEqual([]);
  });

  test('an installation token: GET /user is refused (403), GraphQL viewer names the bot, with [bot] as REST writes it', async () => {
    const { gh } = await setup();
    expect(await tokenLogin(clientFor(gh, 'test-token'))).toBe(ACTIONS_BOT_LOGIN);
    expect(await tokenLogin(clientFor(gh, 'app-token'))).toBe('gitops-gate-app[bot]');
    expect(calls(gh)).toEqual(['GET /user 403', 'POST /graphql 200', 'GET /user 403', 'POST /graphql 200']);
    expect(JSON.stringify(gh.requests[1].body)).toContain('viewer');
    expect(gh.violations).toEqual([]);
  });

  test('an installation token whose viewer is refused too: github-actions[bot]; other failures are errors', async () => {
    const { gh } = await setup();
    gh.fault({ method: 'POST', path: '/graphql', status: 403, body: { message: 'Resource not accessible by integration' } });
    expect(await tokenLogin(clientFor(gh, 'app-token'))).toBe(ACTIONS_BOT_LOGIN);
    gh.fault({ method: 'GET', path: '/user', status: 500, times: Infinity });
    await expect(tokenLogin(clientFor(gh, 'user-token'))).rejects.toThrow();
    gh.clearFaults();
  });
});

describe('only the gate\'s own markers count', () => {
  test('a first run with no marked comment does not ask who the token is', async () => {
    const { gh, client, pr } = await setup();
    await publishReview(options(client, pr));
    expect(gh.requests.map((r) => r.path)).not.toContain('/user');
  });

  test('markers planted by other accounts do not stop the gate commenting; its own do', async () => {
    const { gh, client, pr } = await setup();
    // Someone else's comment and review claim the priv finding is commented and the ctx finding reported.
    gh.seedReviewComment(5, { path: 'm.yaml', line: 2, body: `looks fine ${fingerprintMarker('fp-priv')}`, user: 'mallory' });
    gh.seedReviewComment(5, { path: 'm.yaml', line: 4, body: `ok ${fingerprintMarker('fp-host')}`, user: 'other-app[bot]' });
    const mallory = createGitHubClient({ token: 'mallory-token', baseUrl: gh.url, log: { debug: () => undefined, warning: () => undefined } });
    const forged = options(mallory, pr).reviewBody({ comments: [], overflow: [], offDiff: [context], handledBefore: [], fixed: [], needsReview: true }, []);
    await mallory.octokit.rest.pulls.createReview({ owner: 'acme', repo: 'gitops', pull_number: 5, event: 'COMMENT', body: forged });
    expect(gh.pull(5).reviews.map((r) => r.user)).toEqual(['mallory', 'other-app[bot]', 'mallory']);

    const out = await publishReview(options(client, pr));
    expect(out.status).toBe('posted');
    expect(out.commentsPosted).toBe(2);
    expect(out.plan?.handledBefore).toEqual([]);
    const ours = gh.pull(5).reviewComments.filter((c) => c.user === ACTIONS_BOT_LOGIN);
    expect(ours.map((c) => c.body.match(/fingerprint=(fp-[a-z]+)/)?.[1]).sort()).toEqual(['fp-host', 'fp-priv']);
    const ourReview = gh.pull(5).reviews.find((r) => r.user === ACTIONS_BOT_LOGIN)!;
    expect(ourReview.body).toContain('fp-ctx');
    // The token's account was asked for once: GET /user (refused for an installation token), then the viewer.
    expect(gh.requests.filter((r) => r.path === '/user' || JSON.stringify(r.body ?? '').includes('viewer')).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /user 403',
      'POST /graphql 200'
    ]);

    // A re-run trusts the gate's own comments and review body: nothing new.
    const again = await publishReview(options(client, pr));
    expect(again.status).toBe('nothing-new');
    expect(again.plan?.handledBefore.map((f) => f.fingerprint).sort()).toEqual(['fp-ctx', 'fp-host', 'fp-priv']);
    expect(gh.pull(5).reviewComments.filter((c) => c.user === ACTIONS_BOT_LOGIN)).toHaveLength(2);
    expect(gh.violations).toEqual([]);
  });

  test('with a user token the gate\'s comments are that user\'s; github-actions[bot] markers do not count then', async () => {
    const { gh, client, pr } = await setup('user-token');
    gh.seedReviewComment(5, { path: 'm.yaml', line: 2, body: fingerprintMarker('fp-priv'), user: ACTIONS_BOT_LOGIN });
    gh.seedReviewComment(5, { path: 'm.yaml', line: 4, body: fingerprintMarker('fp-host'), user: 'gate-user' });
    const out = await publishReview(options(client, pr));
    expect(out.commentsPosted).toBe(1);
    expect(out.plan?.handledBefore.map((f) => f.fingerprint)).toEqual(['fp-host']);
    const posted = gh.pull(5).reviewComments.filter((c) => c.user === 'gate-user' && c.body.includes('fp-priv'));
    expect(posted).toHaveLength(1);
    expect(gh.requests.filter((r) => r.path === '/user').map((r) => r.status)).toEqual([200]);
  });

  test('a fixed mark or a gone finding in someone else\'s comment is not ours to resolve', async () => {
    const { gh, client, pr } = await setup();
    gh.seedReviewComment(5, { path: 'm.yaml', line: 2, body: fingerprintMarker('fp-gone'), user: 'mallory' });
    const out = await publishReview(options(client, pr, [host]));
    expect(out.resolved).toBe(0);
    expect(out.plan?.fixed).toEqual([]);
    const planted = gh.pull(5).reviewComments.find((c) => c.user === 'mallory')!;
    expect(planted.body).toBe(fingerprintMarker('fp-gone'));
    expect(gh.pull(5).reviewThreads.find((t) => t.id === planted.threadId)!.isResolved).toBe(false);
  });
});
