/** Which findings become comments, which were handled before, which comments are fixed; the review body. */
import { describe, expect, test } from '@jest/globals';
import { addedLinesFromPatch, ourComments, planReview, type OurComment } from '../../src/github/review.js';
import { buildReviewBody, reportedIn, REVIEW_MARKER } from '../../src/report/review-body.js';
import { fingerprintMarker } from '../../src/report/review-comment.js';
import { finding, RULES } from '../helpers/report-fixtures.js';

const diff = [{ path: 'apps/base/deployment.yaml', addedLines: [[10, 12], [20, 20]] as [number, number][] }];
const at = (file: string, line: number, extra: Parameters<typeof finding>[0] = {}) => finding({ location: { file, line }, ...extra });

describe('planReview', () => {
  test('comments only on added lines; the rest goes into the body', () => {
    const on = at('apps/base/deployment.yaml', 11);
    const edge = at('apps/base/deployment.yaml', 20);
    const context = at('apps/base/deployment.yaml', 13);
    const otherFile = at('charts/x/values.yaml', 11);
    const existing = at('apps/base/deployment.yaml', 10, { status: 'existing' });
    const plan = planReview({ findings: [on, edge, context, otherFile, existing], diff, existing: [], maxComments: 30 });
    expect(plan.comments.map((g) => g.findings[0].fingerprint).sort()).toEqual([on.fingerprint, edge.fingerprint].sort());
    expect(plan.offDiff.map((f) => f.fingerprint).sort()).toEqual([context.fingerprint, otherFile.fingerprint].sort());
    expect(plan.needsReview).toBe(true);
  });

  test('never comments on a deleted file', () => {
    const plan = planReview({ findings: [at('gone.yaml', 1)], diff: [{ path: 'gone.yaml', status: 'deleted', addedLines: [[1, 5]] }], existing: [], maxComments: 30 });
    expect(plan.comments).toHaveLength(0);
    expect(plan.offDiff).toHaveLength(1);
  });

  test('groups findings of one rule on one line; the limit counts comments, most severe first', () => {
    const a = at('apps/base/deployment.yaml', 11, { fingerprint: 'a', severity: 'low', ruleId: 'r-low' });
    const b = at('apps/base/deployment.yaml', 12, { fingerprint: 'b' });
    const c = at('apps/base/deployment.yaml', 12, { fingerprint: 'c' });
    const plan = planReview({ findings: [a, b, c], diff, existing: [], maxComments: 1 });
    expect(plan.comments).toHaveLength(1);
    expect(plan.comments[0].findings.map((f) => f.fingerprint)).toEqual(['b', 'c']);
    expect(plan.overflow.map((f) => f.fingerprint)).toEqual(['a']);
  });

  test('skips what is commented or reported already, and finds the comments whose findings are gone', () => {
    const kept = at('apps/base/deployment.yaml', 11, { fingerprint: 'kept' });
    const fresh = at('apps/base/deployment.yaml', 12, { fingerprint: 'fresh' });
    const reported = at('other.yaml', 1, { fingerprint: 'rep' });
    const existing: OurComment[] = [
      { id: 1, path: 'apps/base/deployment.yaml', line: 11, body: '', fingerprints: ['kept'], fixed: false },
      { id: 2, path: 'apps/base/deployment.yaml', line: 5, body: '', fingerprints: ['gone'], fixed: false },
      { id: 3, path: 'apps/base/deployment.yaml', line: 6, body: '', fingerprints: ['gone2'], fixed: true },
      { id: 4, path: 'apps/base/deployment.yaml', line: 7, body: '', fingerprints: ['gone3'], fixed: false }
    ];
    const plan = planReview({ findings: [kept, fresh, reported], diff, existing, reportedBefore: new Set(['rep']), resolvedComments: new Set([4]), maxComments: 30 });
    expect(plan.comments.map((g) => g.findings[0].fingerprint)).toEqual(['fresh']);
    expect(plan.handledBefore.map((f) => f.fingerprint).sort()).toEqual(['kept', 'rep']);
    expect(plan.fixed.map((c) => c.id)).toEqual([2]);
  });

  test('a second run with everything handled needs no review', () => {
    const f = at('apps/base/deployment.yaml', 11, { fingerprint: 'x' });
    const plan = planReview({ findings: [f], diff, existing: [{ id: 1, path: f.location.file, line: 11, body: '', fingerprints: ['x'], fixed: false }], maxComments: 30 });
    expect(plan.needsReview).toBe(false);
    expect(plan.fixed).toHaveLength(0);
  });

  test('a finding whose thread was resolved and that came back is commented again', () => {
    const f = at('apps/base/deployment.yaml', 11, { fingerprint: 'x' });
    const plan = planReview({ findings: [f], diff, existing: [{ id: 1, path: f.location.file, line: 11, body: '', fingerprints: ['x'], fixed: false }], resolvedComments: new Set([1]), maxComments: 30 });
    expect(plan.comments).toHaveLength(1);
  });
});

describe('ourComments', () => {
  test('keeps top-level comments with markers written by the token\'s account, not replies and not markers planted by anyone else', () => {
    const body = `hi\n${fingerprintMarker('fp')}`;
    const comments = [
      { id: 1, path: 'a', line: 1, body, user: { login: 'github-actions[bot]', type: 'Bot' } },
      { id: 2, path: 'a', line: 1, body, in_reply_to_id: 1, user: { login: 'github-actions[bot]', type: 'Bot' } },
      { id: 3, path: 'a', line: 1, body, user: { login: 'author', type: 'User' } },
      { id: 4, path: 'a', line: 1, body: 'no marker', user: { login: 'github-actions[bot]', type: 'Bot' } },
      { id: 5, path: 'a', line: 1, body, user: { login: 'other-app[bot]', type: 'Bot' } },
      { id: 6, path: 'a', line: 1, body, user: { login: 'GitHub-Actions[bot]', type: 'Bot' } },
      { id: 7, path: 'a', line: 1, body, user: null },
      { id: 8, path: 'a', line: 1, body, user: { login: 'github-actions', type: 'User' } }
    ];
    expect(ourComments(comments, 'github-actions[bot]').map((c) => c.id)).toEqual([1, 6]);
    expect(ourComments(comments, 'author').map((c) => c.id)).toEqual([3]);
    expect(ourComments(comments, 'nobody')).toEqual([]);
  });
});

describe('addedLinesFromPatch', () => {
  test('reads added ranges from a PR files API patch', () => {
    const patch = ['@@ -1,3 +1,4 @@', ' a', '-b', '+B', '+C', ' d', '@@ -10,2 +11,3 @@ ctx', ' x', '+y', ' z', '\\ No newline at end of file'].join('\n');
    expect(addedLinesFromPatch(patch)).toEqual([
      [2, 3],
      [12, 12]
    ]);
  });
});

describe('buildReviewBody', () => {
  test('counts, collapsed tables, and the reported marker', () => {
    const off = [at('charts/values.yaml', 3, { fingerprint: 'o1', message: 'ping @octocat <b>' })];
    const over = [at('a.yaml', 1, { fingerprint: 'v1' })];
    const body = buildReviewBody({
      commentsPosted: 2,
      findingsCommented: 3,
      alreadyCommented: 1,
      overflow: over,
      maxComments: 2,
      offDiff: off,
      fixed: 1,
      blocking: 2,
      rules: RULES,
      linkBase: 'https://github.com/o/r/blob/abc/',
      reported: ['o1', 'v1']
    });
    expect(body).toContain('2 blocking findings');
    expect(body).toContain('2 inline comments');
    expect(body).toContain('at most 2 comments');
    expect(body).toContain('<details><summary>New findings not on lines of this diff (1)</summary>');
    expect(body).toContain('(https://github.com/o/r/blob/abc/charts/values.yaml#L3)');
    expect(body).not.toMatch(/@octocat/);
    expect(body).toContain(REVIEW_MARKER);
    expect(reportedIn(body)).toEqual(['o1', 'v1']);
  });

  test('stays under the size limit with thousands of findings', () => {
    const many = Array.from({ length: 5000 }, (_, i) => at(`f${i}.yaml`, i + 1, { fingerprint: `fingerprint-${i}`.padEnd(40, 'x') }));
    const body = buildReviewBody({ commentsPosted: 0, findingsCommented: 0, alreadyCommented: 0, overflow: [], maxComments: 30, offDiff: many, fixed: 0, blocking: 0, reported: many.map((f) => f.fingerprint) });
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toContain('more are listed in the job summary');
  });
});
