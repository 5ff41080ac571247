/**
 * Review comments on the pull request: which new findings become inline comments, which are already commented,
 * which earlier comments are fixed, and the one review a run posts.
 *
 * - A comment goes only on a line the pull request adds (right side): `git diff -U0` knows exactly those, and
 *   GitHub accepts a comment on any of them. Findings elsewhere go into the review body and the job summary.
 * - One comment per rule and line: when a shared base is rendered by several overlays, the objects are listed
 *   in one comment instead of repeating it.
 * - Each comment carries `<!-- gitops-gate:fingerprint=<fp> -->` per finding. A re-run skips fingerprints already
 *   commented (or reported in an earlier review body) and resolves the threads of comments whose findings are
 *   gone (GraphQL `resolveReviewThread`; where that is refused, the comment is edited to say it was fixed).
 * - Only the gate's own words count: markers, review-body `reported` lists, fixed marks and the "did the review
 *   land" check are read only from comments and reviews written by the token's account (`tokenLogin`). Anyone else
 *   can paste a marker; a finding whose only marker is in someone else's comment is commented again. The account
 *   is asked for once per run, and only when some comment or review carries a marker.
 */
import type { Finding } from '../analyze/types.js';
import { compareBySeverity } from '../report/common.js';
import { fixedCommentBody, isMarkedFixed, markersIn } from '../report/review-comment.js';
import { REVIEW_MARKER, reportedIn } from '../report/review-body.js';
import { errorMessage, errorStatus, isPermissionError, tokenLogin, type GitHubClient } from './client.js';
import type { PullRequestContext } from './pull-request.js';

export interface DiffFile {
  path: string;
  /** Added line ranges at head (inclusive, 1-based). */
  addedLines: readonly (readonly [number, number])[];
  status?: string;
}

/** One of our earlier comments, as listed by the REST API. */
export interface OurComment {
  id: number;
  nodeId?: string;
  path: string;
  line: number | null;
  body: string;
  fingerprints: string[];
  fixed: boolean;
}

export interface CommentGroup {
  path: string;
  line: number;
  ruleId: string;
  findings: Finding[];
}

export interface ReviewPlanInput {
  findings: readonly Finding[];
  diff: readonly DiffFile[];
  existing: readonly OurComment[];
  /** Fingerprints an earlier review body already reported (over the limit, or not on the diff). */
  reportedBefore?: ReadonlySet<string>;
  /** Ids of our comments whose threads are resolved. */
  resolvedComments?: ReadonlySet<number>;
  maxComments: number;
}

export interface ReviewPlan {
  /** Comments to post, most severe first. */
  comments: CommentGroup[];
  /** New findings on diff lines left out by the limit. */
  overflow: Finding[];
  /** New findings not on an added line. */
  offDiff: Finding[];
  /** New findings already commented on or reported by an earlier run. */
  handledBefore: Finding[];
  /** Earlier comments whose findings are all gone. */
  fixed: OurComment[];
  /** Whether there is anything new to say in a review. */
  needsReview: boolean;
}

/** `path -> sorted ranges` for lookups. */
export function addedLineIndex(diff: readonly DiffFile[]): Map<string, (readonly [number, number])[]> {
  const index = new Map<string, (readonly [number, number])[]>();
  for (const f of diff) {
    if (f.status === 'deleted' || f.status === 'removed') continue;
    index.set(f.path, [...f.addedLines].sort((a, b) => a[0] - b[0]));
  }
  return index;
}

export function isAddedLine(index: Map<string, (readonly [number, number])[]>, path: string, line: number): boolean {
  return (index.get(path) ?? []).some(([start, end]) => line >= start && line <= end);
}

export function planReview(input: ReviewPlanInput): ReviewPlan {
  const index = addedLineIndex(input.diff);
  const present = new Set(input.findings.map((f) => f.fingerprint));
  const resolved = input.resolvedComments ?? new Set<number>();
  const commented = new Set<string>();
  for (const c of input.existing) if (!c.fixed && !resolved.has(c.id)) for (const fp of c.fingerprints) commented.add(fp);
  const reported = input.reportedBefore ?? new Set<string>();

  const fresh = input.findings.filter((f) => f.status === 'new').sort(compareBySeverity);
  const handledBefore: Finding[] = [];
  const offDiff: Finding[] = [];
  const groups = new Map<string, CommentGroup>();
  for (const f of fresh) {
    if (commented.has(f.fingerprint) || reported.has(f.fingerprint)) {
      handledBefore.push(f);
      continue;
    }
    if (!isAddedLine(index, f.location.file, f.location.line)) {
      offDiff.push(f);
      continue;
    }
    const key = `${f.location.file}\0${f.location.line}\0${f.ruleId}`;
    const group = groups.get(key);
    if (group) group.findings.push(f);
    else groups.set(key, { path: f.location.file, line: f.location.line, ruleId: f.ruleId, findings: [f] });
  }
  const all = [...groups.values()];
  const max = Math.max(0, input.maxComments);
  const comments = all.slice(0, max);
  const overflow = all.slice(max).flatMap((g) => g.findings);
  const fixed = input.existing.filter((c) => !c.fixed && !resolved.has(c.id) && c.fingerprints.length > 0 && c.fingerprints.every((fp) => !present.has(fp)));
  return { comments, overflow, offDiff, handledBefore, fixed, needsReview: comments.length > 0 || overflow.length > 0 || offDiff.length > 0 };
}

/** Added line ranges from a unified diff `patch` as the PR files API returns it. */
export function addedLinesFromPatch(patch: string): [number, number][] {
  const ranges: [number, number][] = [];
  let line = 0;
  let inHunk = false;
  let start = -1;
  const close = () => {
    if (start >= 0) ranges.push([start, line - 1]);
    start = -1;
  };
  for (const text of patch.split('\n')) {
    const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(text);
    if (m) {
      close();
      line = Number(m[1]);
      inHunk = true;
      continue;
    }
    if (!inHunk) continue;
    if (text.startsWith('+')) {
      if (start < 0) start = line;
      line++;
    } else if (text.startsWith('-')) {
      close();
    } else if (text.startsWith('\\')) {
      // "\ No newline at end of file"
    } else {
      close();
      line++;
    }
  }
  close();
  return ranges;
}

export interface ReviewComment {
  path: string;
  line: number;
  side: 'RIGHT';
  body: string;
}

export interface PublishReviewOptions {
  client: GitHubClient;
  pr: PullRequestContext;
  findings: readonly Finding[];
  /** Changed files from git; when absent the PR files API is asked. */
  diff?: readonly DiffFile[];
  maxComments: number;
  event: 'COMMENT' | 'REQUEST_CHANGES';
  /** Markdown of one comment. */
  commentBody(group: CommentGroup): string;
  /** Markdown of the review body for a plan. */
  reviewBody(plan: ReviewPlan, posted: CommentGroup[]): string;
  log: { info(m: string): void; warning(m: string): void };
}

export type ReviewStatus = 'posted' | 'nothing-new' | 'read-only' | 'failed';

export interface ReviewOutcome {
  status: ReviewStatus;
  reviewId?: number;
  commentsPosted: number;
  /** Earlier comments resolved (or marked fixed). */
  resolved: number;
  plan?: ReviewPlan;
  /** What went wrong (failed), or why nothing was written (read-only). */
  detail?: string;
  /** Requests that failed without stopping the review (resolving threads). */
  warnings: string[];
}

interface RestComment {
  id: number;
  node_id?: string;
  path: string;
  line?: number | null;
  body: string;
  in_reply_to_id?: number;
  pull_request_review_id?: number | null;
  user?: { login?: string; type?: string } | null;
}

/** GitHub logins compare without case. */
function sameLogin(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b.toLowerCase();
}

/** Top-level comments that carry a marker; whose they are is not checked here. */
function markedComments(comments: readonly RestComment[]): RestComment[] {
  return comments.filter((c) => !c.in_reply_to_id && markersIn(c.body ?? '').length > 0);
}

/** Our marker comments: top-level comments with markers written by `login`, the token's account. */
export function ourComments(comments: readonly RestComment[], login: string): OurComment[] {
  return markedComments(comments)
    .filter((c) => sameLogin(c.user?.login, login))
    .map((c) => ({ id: c.id, ...(c.node_id ? { nodeId: c.node_id } : {}), path: c.path, line: c.line ?? null, body: c.body, fingerprints: markersIn(c.body), fixed: isMarkedFixed(c.body) }));
}

class ReadOnlyError extends Error {}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const THREADS_QUERY = `query($owner: String!, $repo: String!, $number: Int!, $after: String) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      reviewThreads(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { id isResolved comments(first: 1) { nodes { databaseId } } }
      }
    }
  }
}`;

const RESOLVE_MUTATION = `mutation($threadId: ID!) { resolveReviewThread(input: { threadId: $threadId }) { thread { id isResolved } } }`;

interface ThreadsResponse {
  repository: {
    pullRequest: {
      reviewThreads: {
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        nodes: { id: string; isResolved: boolean; comments: { nodes: { databaseId: number | null }[] } }[];
      };
    } | null;
  } | null;
}

/** Thread of each comment that starts one: comment id -> thread node id and state. */
async function reviewThreads(client: GitHubClient, pr: PullRequestContext): Promise<Map<number, { id: string; isResolved: boolean }>> {
  const threads = new Map<number, { id: string; isResolved: boolean }>();
  let after: string | null = null;
  for (let page = 0; page < 20; page++) {
    const data: ThreadsResponse = await client.octokit.graphql<ThreadsResponse>(THREADS_QUERY, { owner: pr.owner, repo: pr.repo, number: pr.number, after });
    const connection = data.repository?.pullRequest?.reviewThreads;
    if (!connection) break;
    for (const t of connection.nodes) {
      const first = t.comments.nodes[0]?.databaseId;
      if (typeof first === 'number') threads.set(first, { id: t.id, isResolved: t.isResolved });
    }
    if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor) break;
    after = connection.pageInfo.endCursor;
  }
  return threads;
}

async function listComments(client: GitHubClient, pr: PullRequestContext): Promise<RestComment[]> {
  return (await client.octokit.paginate(client.octokit.rest.pulls.listReviewComments, {
    owner: pr.owner,
    repo: pr.repo,
    pull_number: pr.number,
    per_page: 100
  })) as RestComment[];
}

async function diffFromApi(client: GitHubClient, pr: PullRequestContext): Promise<DiffFile[]> {
  const files = await client.octokit.paginate(client.octokit.rest.pulls.listFiles, { owner: pr.owner, repo: pr.repo, pull_number: pr.number, per_page: 100 });
  return files.map((f) => ({ path: f.filename, status: f.status, addedLines: f.patch ? addedLinesFromPatch(f.patch) : [] }));
}

/** Posts the review: one request, not retried blindly (a retried POST could post twice). */
async function createReview(
  opts: PublishReviewOptions & { login: () => Promise<string> },
  body: string,
  comments: ReviewComment[],
  fingerprints: readonly string[]
): Promise<{ id?: number }> {
  const { client, pr } = opts;
  const params = {
    owner: pr.owner,
    repo: pr.repo,
    pull_number: pr.number,
    commit_id: pr.headSha,
    event: opts.event,
    body,
    ...(comments.length > 0 ? { comments } : {}),
    request: { retries: 0 }
  };
  for (let attempt = 0; ; attempt++) {
    try {
      const { data } = await client.octokit.rest.pulls.createReview(params);
      return { id: data.id };
    } catch (err) {
      const status = errorStatus(err);
      if (status !== undefined && status < 500 && status !== 429 && !/rate limit/i.test(errorMessage(err))) throw err;
      // The review may have been created although the answer was lost: look before posting again.
      if (fingerprints.length > 0) {
        try {
          const marked = markedComments(await listComments(client, pr));
          const login = marked.length > 0 ? await opts.login() : '';
          const landed = marked.find((c) => sameLogin(c.user?.login, login) && markersIn(c.body).some((fp) => fingerprints.includes(fp)));
          if (landed) {
            opts.log.info('The review was created although the request failed; not posting it again.');
            return landed.pull_request_review_id ? { id: landed.pull_request_review_id } : {};
          }
        } catch {
          // Listing failed too: fall through to the retry decision.
        }
      }
      const wait = 2000 * 2 ** attempt;
      if (attempt >= 2 || client.budget.remainingMs() < wait + 5000) throw err;
      opts.log.warning(`Creating the review failed (${errorMessage(err)}); retrying in ${wait / 1000} s.`);
      await sleep(wait);
    }
  }
}

export async function publishReview(opts: PublishReviewOptions): Promise<ReviewOutcome> {
  const { client, pr, log } = opts;
  const warnings: string[] = [];
  let plan: ReviewPlan | undefined;
  try {
    const diff = opts.diff ?? (await diffFromApi(client, pr));
    let asked: Promise<string> | undefined;
    const login = (): Promise<string> => (asked ??= tokenLogin(client));
    const marked = markedComments(await listComments(client, pr));
    const existing = marked.length > 0 ? ourComments(marked, await login()) : [];
    let reportedBefore = new Set<string>();
    let resolvedComments = new Set<number>();
    const replan = () => planReview({ findings: opts.findings, diff, existing, reportedBefore, resolvedComments, maxComments: opts.maxComments });
    plan = replan();
    if (plan.overflow.length > 0 || plan.offDiff.length > 0) {
      // Only then does it matter what earlier review bodies reported.
      const reviews = await client.octokit.paginate(client.octokit.rest.pulls.listReviews, { owner: pr.owner, repo: pr.repo, pull_number: pr.number, per_page: 100 });
      const markedReviews = reviews.filter((r) => (r.body ?? '').includes(REVIEW_MARKER));
      const trusted = markedReviews.length > 0 ? await login() : '';
      reportedBefore = new Set(markedReviews.filter((r) => sameLogin(r.user?.login, trusted)).flatMap((r) => reportedIn(r.body ?? '')));
      if (reportedBefore.size > 0) plan = replan();
    }

    let resolved = 0;
    let threads: Map<number, { id: string; isResolved: boolean }> | undefined;
    if (plan.fixed.length > 0) {
      try {
        threads = await reviewThreads(client, pr);
        resolvedComments = new Set([...threads].filter(([, t]) => t.isResolved).map(([id]) => id));
        if (resolvedComments.size > 0) plan = replan();
      } catch (err) {
        warnings.push(`Cannot read the review threads (${errorMessage(err)}); fixed comments are edited instead of resolved.`);
      }
    }

    let reviewId: number | undefined;
    let posted: CommentGroup[] = [];
    let status: ReviewStatus = 'nothing-new';
    if (plan.needsReview) {
      posted = plan.comments;
      const comments = posted.map((g) => ({ path: g.path, line: g.line, side: 'RIGHT' as const, body: opts.commentBody(g) }));
      const fingerprints = posted.flatMap((g) => g.findings.map((f) => f.fingerprint));
      try {
        reviewId = (await createReview({ ...opts, login }, opts.reviewBody(plan, posted), comments, fingerprints)).id;
      } catch (err) {
        if (isPermissionError(err)) throw new ReadOnlyError(errorMessage(err));
        if (errorStatus(err) !== 422 || comments.length === 0) throw err;
        // A comment GitHub will not place (a line outside the diff it knows) fails the whole review: post the
        // findings in the body instead.
        log.warning(`GitHub refused the inline comments (${errorMessage(err)}); posting the findings in the review body instead.`);
        const fallback: ReviewPlan = { ...plan, comments: [], offDiff: [...plan.offDiff, ...posted.flatMap((g) => g.findings)] };
        posted = [];
        reviewId = (await createReview({ ...opts, login }, opts.reviewBody(fallback, []), [], [])).id;
      }
      status = 'posted';
    }

    for (const comment of plan.fixed) {
      const thread = threads?.get(comment.id);
      try {
        if (thread && !thread.isResolved) {
          try {
            await client.octokit.graphql(RESOLVE_MUTATION, { threadId: thread.id });
            resolved++;
            continue;
          } catch (err) {
            warnings.push(`Cannot resolve the thread of comment ${comment.id} (${errorMessage(err)}); editing the comment instead.`);
          }
        } else if (thread?.isResolved) {
          continue;
        }
        await client.octokit.rest.pulls.updateReviewComment({ owner: pr.owner, repo: pr.repo, comment_id: comment.id, body: fixedCommentBody(comment.body, pr.headSha) });
        resolved++;
      } catch (err) {
        if (isPermissionError(err)) throw new ReadOnlyError(errorMessage(err));
        warnings.push(`Cannot mark comment ${comment.id} as fixed: ${errorMessage(err)}`);
      }
    }
    return { status, ...(reviewId !== undefined ? { reviewId } : {}), commentsPosted: posted.length, resolved, plan, warnings };
  } catch (err) {
    if (err instanceof ReadOnlyError) {
      return { status: 'read-only', commentsPosted: 0, resolved: 0, ...(plan ? { plan } : {}), detail: err.message, warnings };
    }
    return { status: 'failed', commentsPosted: 0, resolved: 0, ...(plan ? { plan } : {}), detail: errorMessage(err), warnings };
  }
}
