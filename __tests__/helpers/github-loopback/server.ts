/**
 * A loopback GitHub for tests: an HTTP server on 127.0.0.1 that plays the GitHub REST API (plus the slice
 * of GraphQL we use) for one repository and its pull requests. Every REST request is matched against
 * GitHub's OpenAPI description (path, parameters, JSON body) and every JSON response is checked against
 * the documented response schema; anything off is recorded in `violations`.
 *
 *   const gh = await startLoopbackGitHub({ repository: { owner: 'acme', name: 'infra' },
 *     pullRequests: [{ number: 7, files: filesFromGitDiff(dir, base, head) }] });
 *   const octokit = new Octokit({ auth: 'test-token', baseUrl: gh.url });
 *   …
 *   expect(gh.violations).toEqual([]);
 *   await gh.close();
 */
import { randomBytes, randomUUID } from 'node:crypto';
import http, { STATUS_CODES, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { diffHunkFor, lineAtPosition, locateLine, parsePatch, type Hunk, type PrFile, type Side } from './diff.js';
import { executeGraphql } from './graphql.js';
import { loadGitHubSpec, type OpenApiSpec, type Operation } from './openapi.js';
import {
  diffEntryJson, fakeSha, isoNow, issueCommentJson, nodeId, publicUserJson, pullRequestJson, repositoryJson, reviewCommentJson, reviewJson,
  type IssueCommentState, type LoopbackState, type Permission, type PullRequestState, type RepositoryState, type ReviewCommentState,
  type ReviewState, type ReviewStateName, type ReviewThreadState, type SarifUploadState
} from './state.js';

export type { Permission } from './state.js';

export interface PullRequestSeed {
  number: number;
  title?: string;
  body?: string | null;
  /** PR author login (default `octocat`). */
  user?: string;
  state?: 'open' | 'closed';
  draft?: boolean;
  base?: { ref?: string; sha?: string };
  /** `repoFullName` other than `owner/name` makes this a fork PR. */
  head?: { ref?: string; sha?: string; repoFullName?: string };
  /** Extra commit SHAs of the PR (head.sha is always included). */
  commits?: string[];
  files?: PrFile[];
}

export interface ReviewCommentSeed {
  path: string;
  body: string;
  /** Head-side (RIGHT) or base-side (LEFT) line; must be in the diff unless `outdated`. */
  line: number;
  side?: Side;
  startLine?: number;
  user?: string;
  /** Reply to this comment id (joins its thread). */
  inReplyToId?: number;
  /** Make the comment outdated (line null, original_line kept) — skips the diff check. */
  outdated?: boolean;
  /** Resolve the comment's thread. */
  resolved?: boolean;
  commitId?: string;
}

export interface TokenSpec {
  permission: Permission;
  /** Login the token acts as (default `github-actions[bot]`). */
  login?: string;
  /**
   * An installation token (`GITHUB_TOKEN`, a GitHub App): `GET /user` answers 403 "Resource not accessible by
   * integration". Default: the login ends in `[bot]`.
   */
  installation?: boolean;
}

export interface LoopbackOptions {
  repository?: Partial<Pick<RepositoryState, 'owner' | 'name' | 'private' | 'defaultBranch' | 'codeScanningEnabled' | 'id'>>;
  pullRequests?: PullRequestSeed[];
  /** Known tokens; default `{ 'test-token': 'write' }`. Unknown tokens get 401. */
  tokens?: Record<string, Permission | TokenSpec>;
  /** Check response bodies against the documented schemas (default true). */
  validateResponses?: boolean;
  /** GETs of a SARIF upload answered `pending` before it settles (default 1). */
  sarifPendingPolls?: number;
}

export interface FaultSpec {
  method?: string;
  /** Exact pathname (no query) or a RegExp tested against the pathname. */
  path?: string | RegExp;
  /** How many matching requests fail (default 1; Infinity for all). */
  times?: number;
  /**
   * - 'status' (default when `status` is set): answer `status` with a JSON `{message}` (or `body`).
   * - 'secondary-rate-limit': 403 (or `status: 429`) "You have exceeded a secondary rate limit…" + `retry-after`.
   * - 'rate-limit': primary limit: 403 (or 429) with `x-ratelimit-remaining: 0` and reset in `retryAfter` seconds.
   * - 'reset': destroy the connection without answering.
   * - 'delay' (default when only `delayMs` is set): wait, then answer normally.
   */
  kind?: 'status' | 'secondary-rate-limit' | 'rate-limit' | 'reset' | 'delay';
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Seconds, for `retry-after` (default 1). */
  retryAfter?: number;
  /** Wait this long before answering (combines with any kind). */
  delayMs?: number;
  /** Apply the request to the state first and then fail (GitHub timing out after doing the write). */
  afterHandling?: boolean;
}

export interface Fault {
  spec: FaultSpec;
  remaining: number;
  hits: number;
}

export interface RecordedRequest {
  seq: number;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (raw string if not JSON; undefined if empty). */
  body: unknown;
  /** Status sent (0 when the connection was reset). */
  status: number;
  operationId?: string;
  /** Fault kind that shaped the answer, if any. */
  fault?: string;
  startedAt: number;
  durationMs: number;
}

export type ViolationKind =
  | 'unknown-route' | 'path-param' | 'query-param' | 'request-body' | 'response-body' | 'unimplemented' | 'graphql' | 'sarif';

export interface Violation {
  kind: ViolationKind;
  method: string;
  path: string;
  operationId?: string;
  message: string;
}

export interface LoopbackGitHub {
  /** `http://127.0.0.1:<port>` — use as Octokit `baseUrl`. */
  readonly url: string;
  readonly state: LoopbackState;
  readonly requests: RecordedRequest[];
  readonly violations: Violation[];
  readonly spec: OpenApiSpec;
  /** Injects a fault for the next `times` matching requests. */
  fault(spec: FaultSpec): Fault;
  clearFaults(): void;
  /** The pull request, or throws. */
  pull(number: number): PullRequestState;
  addPullRequest(seed: PullRequestSeed): PullRequestState;
  /** Stores a review comment (and its thread) as if posted earlier. */
  seedReviewComment(pullNumber: number, seed: ReviewCommentSeed): ReviewCommentState;
  seedIssueComment(issueNumber: number, body: string, user?: string): IssueCommentState;
  /** A new head commit: replaces the files; comments whose line left the diff become outdated. */
  pushHead(pullNumber: number, head: { sha: string; files: PrFile[] }): void;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(readonly status: number, readonly body: unknown, readonly headers: Record<string, string> = {}) {
    super(typeof body === 'object' && body && 'message' in body ? String((body as { message: unknown }).message) : `HTTP ${status}`);
  }
}

interface Reply { status: number; body?: unknown; headers?: Record<string, string> }

interface Caller { token?: string; permission?: Permission; login: string; installation?: boolean }

interface Ctx {
  method: string;
  pathname: string;
  searchParams: URLSearchParams;
  operation: Operation;
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
  caller: Caller;
}

/** GitHub's character limit for comment and review bodies. */
export const MAX_BODY_CHARS = 65536;
const MAX_SARIF_GZIP_BYTES = 10 * 1024 * 1024;
const MAX_REQUEST_BYTES = 40 * 1024 * 1024;
const DEFAULT_LOGIN = 'github-actions[bot]';

function toSentence(items: string[]): string {
  if (items.length <= 1) return items.join('');
  if (items.length === 2) return `${items[0]} and ${items[1]}`;
  return `${items.slice(0, -1).join(', ')}, and ${items[items.length - 1]}`;
}

function charLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function errorBody(status: number, message: string, docs: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { message, documentation_url: docs, status: String(status), ...extra };
}

/** A problem with one review-comment placement; rendered two ways (review vs. single-comment endpoint). */
interface ThreadProblem { field: string; text?: string; code: 'custom' | 'missing_field' | 'invalid' }

function reviewStyle(p: ThreadProblem): string {
  const field = p.field.replace(/_/g, ' ');
  if (p.field === 'body') return `Pull request review comment body ${p.text}`;
  return p.code === 'missing_field' ? `Pull request review thread ${field} can't be blank` : `Pull request review thread ${field} ${p.text}`;
}

function validationStyle(p: ThreadProblem): Record<string, string> {
  if (p.field === 'body') return { resource: 'PullRequestReviewComment', code: 'custom', field: 'body', message: `body ${p.text}` };
  const field = `pull_request_review_thread.${p.field}`;
  return p.code === 'missing_field' ? { resource: 'PullRequestReviewComment', code: 'missing_field', field } : { resource: 'PullRequestReviewComment', code: p.code, field, message: `${field} ${p.text}` };
}

interface CommentInput {
  path?: unknown; body?: unknown; line?: unknown; side?: unknown; start_line?: unknown; start_side?: unknown; position?: unknown; subject_type?: unknown;
}

interface Placement {
  line: number | null; side: Side; startLine: number | null; startSide: Side | null; position: number | null; diffHunk: string; subjectType: 'line' | 'file';
}

class Server implements LoopbackGitHub {
  url = '';
  readonly state: LoopbackState;
  readonly requests: RecordedRequest[] = [];
  readonly violations: Violation[] = [];
  readonly spec: OpenApiSpec;
  private readonly faults: Fault[] = [];
  private readonly tokens = new Map<string, TokenSpec>();
  private readonly validateResponses: boolean;
  private readonly sarifPendingPolls: number;
  private readonly http: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly rateUsed = new Map<string, number>();
  private readonly rateReset = Math.floor(Date.now() / 1000) + 3600;
  private seq = 0;

  constructor(options: LoopbackOptions) {
    this.spec = loadGitHubSpec();
    const r = options.repository ?? {};
    const owner = r.owner ?? 'acme';
    const name = r.name ?? 'gitops';
    const id = r.id ?? 424242;
    this.state = {
      repository: {
        owner, name, id, private: r.private ?? false, nodeId: nodeId('R', id), defaultBranch: r.defaultBranch ?? 'main',
        codeScanningEnabled: r.codeScanningEnabled ?? true
      },
      pullRequests: [],
      issueComments: [],
      sarifUploads: [],
      nextId: 100001
    };
    for (const [token, spec] of Object.entries(options.tokens ?? { 'test-token': 'write' })) {
      this.tokens.set(token, typeof spec === 'string' ? { permission: spec } : spec);
    }
    this.validateResponses = options.validateResponses ?? true;
    this.sarifPendingPolls = options.sarifPendingPolls ?? 1;
    for (const seed of options.pullRequests ?? []) this.addPullRequest(seed);
    this.http = http.createServer((req, res) => { void this.handle(req, res); });
    this.http.on('connection', (s) => { this.sockets.add(s); s.on('close', () => this.sockets.delete(s)); });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(0, '127.0.0.1', () => resolve());
    });
    const addr = this.http.address() as AddressInfo;
    this.url = `http://127.0.0.1:${addr.port}`;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  // ------------------------------------------------------------------------------------------ seeding

  private newId(): number { return this.state.nextId++; }

  pull(number: number): PullRequestState {
    const pr = this.state.pullRequests.find((p) => p.number === number);
    if (!pr) throw new Error(`loopback GitHub: no pull request #${number}`);
    return pr;
  }

  addPullRequest(seed: PullRequestSeed): PullRequestState {
    if (this.state.pullRequests.some((p) => p.number === seed.number)) throw new Error(`pull request #${seed.number} exists`);
    const repo = this.state.repository;
    const id = this.newId();
    const headSha = seed.head?.sha ?? fakeSha(`head:${seed.number}`);
    const now = isoNow();
    const pr: PullRequestState = {
      number: seed.number,
      id,
      nodeId: nodeId('PR', id),
      title: seed.title ?? `Pull request ${seed.number}`,
      body: seed.body ?? null,
      state: seed.state ?? 'open',
      draft: seed.draft ?? false,
      user: seed.user ?? 'octocat',
      base: { ref: seed.base?.ref ?? repo.defaultBranch, sha: seed.base?.sha ?? fakeSha(`base:${seed.number}`) },
      head: { ref: seed.head?.ref ?? `feature-${seed.number}`, sha: headSha, repoFullName: seed.head?.repoFullName ?? `${repo.owner}/${repo.name}` },
      commits: [...new Set([...(seed.commits ?? []), headSha])],
      files: seed.files ?? [],
      reviewComments: [],
      reviews: [],
      reviewThreads: [],
      createdAt: now,
      updatedAt: now
    };
    this.state.pullRequests.push(pr);
    return pr;
  }

  seedReviewComment(pullNumber: number, seed: ReviewCommentSeed): ReviewCommentState {
    const pr = this.pull(pullNumber);
    const user = seed.user ?? DEFAULT_LOGIN;
    if (seed.inReplyToId !== undefined) {
      return this.addReply(pr, seed.inReplyToId, seed.body, user);
    }
    let placement: Placement;
    if (seed.outdated) {
      placement = { line: null, side: seed.side ?? 'RIGHT', startLine: null, startSide: null, position: null, diffHunk: '@@ -1 +1 @@', subjectType: 'line' };
    } else {
      const result = this.place(pr, { path: seed.path, body: seed.body, line: seed.line, side: seed.side, start_line: seed.startLine });
      if ('problems' in result) throw new Error(`seedReviewComment: ${result.problems.map(reviewStyle).join('; ')}`);
      placement = result.placement;
    }
    const review = this.addReview(pr, { user, body: '', state: 'COMMENTED', commitId: seed.commitId ?? pr.head.sha });
    const c = this.addComment(pr, review.id, seed.path, placement, seed.body, user, seed.commitId ?? pr.head.sha);
    if (seed.outdated) c.originalLine = seed.line;
    const thread = pr.reviewThreads.find((t) => t.id === c.threadId)!;
    if (seed.outdated) thread.isOutdated = true;
    if (seed.resolved) { thread.isResolved = true; thread.resolvedBy = user; }
    return c;
  }

  seedIssueComment(issueNumber: number, body: string, user = DEFAULT_LOGIN): IssueCommentState {
    const id = this.newId();
    const now = isoNow();
    const c: IssueCommentState = { id, nodeId: nodeId('IC', id), issueNumber, body, user, createdAt: now, updatedAt: now, minimizedReason: null };
    this.state.issueComments.push(c);
    return c;
  }

  pushHead(pullNumber: number, head: { sha: string; files: PrFile[] }): void {
    const pr = this.pull(pullNumber);
    pr.head.sha = head.sha;
    if (!pr.commits.includes(head.sha)) pr.commits.push(head.sha);
    pr.files = head.files;
    pr.updatedAt = isoNow();
    const hunksByPath = new Map(pr.files.filter((f) => f.patch).map((f) => [f.filename, parsePatch(f.patch!)]));
    for (const c of pr.reviewComments) {
      if (c.line === null || c.subjectType === 'file') continue;
      const hunks = hunksByPath.get(c.path);
      const at = hunks ? locateLine(hunks, c.line, c.side) : undefined;
      if (at) {
        c.commitId = head.sha;
        c.position = at.diffLine.position;
      } else {
        c.line = null;
        c.startLine = null;
        c.position = null;
        const thread = pr.reviewThreads.find((t) => t.id === c.threadId);
        if (thread) thread.isOutdated = true;
      }
    }
  }

  private addReview(pr: PullRequestState, r: { user: string; body: string; state: ReviewStateName; commitId: string }): ReviewState {
    const id = this.newId();
    const review: ReviewState = {
      id, nodeId: nodeId('PRR', id), pullNumber: pr.number, user: r.user, body: r.body, state: r.state, commitId: r.commitId,
      submittedAt: r.state === 'PENDING' ? null : isoNow()
    };
    pr.reviews.push(review);
    return review;
  }

  private addComment(pr: PullRequestState, reviewId: number | null, path: string, p: Placement, body: string, user: string, commitId: string): ReviewCommentState {
    const id = this.newId();
    const now = isoNow();
    const thread: ReviewThreadState = { id: nodeId('PRRT', id), pullNumber: pr.number, path, isResolved: false, resolvedBy: null, isOutdated: false, commentIds: [id] };
    const c: ReviewCommentState = {
      id, nodeId: nodeId('PRRC', id), pullNumber: pr.number, pullRequestReviewId: reviewId, threadId: thread.id, path,
      line: p.line, originalLine: p.line, side: p.side, startLine: p.startLine, originalStartLine: p.startLine, startSide: p.startSide,
      position: p.position, originalPosition: p.position, diffHunk: p.diffHunk, commitId, originalCommitId: commitId, body, user,
      inReplyToId: null, subjectType: p.subjectType, createdAt: now, updatedAt: now, minimizedReason: null
    };
    pr.reviewComments.push(c);
    pr.reviewThreads.push(thread);
    return c;
  }

  private addReply(pr: PullRequestState, inReplyTo: number, body: string, user: string): ReviewCommentState {
    const parent = pr.reviewComments.find((c) => c.id === inReplyTo);
    if (!parent) throw new HttpError(404, errorBody(404, 'Not Found', 'https://docs.github.com/rest/pulls/comments#create-a-reply-for-a-review-comment'));
    const root = parent.inReplyToId === null ? parent : pr.reviewComments.find((c) => c.id === parent.inReplyToId) ?? parent;
    const review = this.addReview(pr, { user, body: '', state: 'COMMENTED', commitId: pr.head.sha });
    const id = this.newId();
    const now = isoNow();
    const c: ReviewCommentState = { ...root, id, nodeId: nodeId('PRRC', id), pullRequestReviewId: review.id, body, user, inReplyToId: root.id, createdAt: now, updatedAt: now, minimizedReason: null };
    pr.reviewComments.push(c);
    pr.reviewThreads.find((t) => t.id === root.threadId)?.commentIds.push(id);
    return c;
  }

  /** Where a comment lands in the diff, or the problems GitHub reports. */
  private place(pr: PullRequestState, input: CommentInput): { placement: Placement } | { problems: ThreadProblem[] } {
    const problems: ThreadProblem[] = [];
    if (typeof input.body === 'string' && charLength(input.body) > MAX_BODY_CHARS) {
      problems.push({ field: 'body', code: 'custom', text: `is too long (maximum is ${MAX_BODY_CHARS} characters)` });
    }
    const file = pr.files.find((f) => f.filename === input.path);
    if (input.subject_type === 'file') {
      if (!file) return { problems: [...problems, { field: 'path', code: 'invalid', text: 'is invalid' }] };
      return problems.length ? { problems } : { placement: { line: null, side: 'RIGHT', startLine: null, startSide: null, position: null, diffHunk: file.patch?.split('\n')[0] ?? '', subjectType: 'file' } };
    }
    if (!file || !file.patch) {
      return { problems: [...problems, { field: 'path', code: 'invalid', text: 'is invalid' }, { field: 'diff_hunk', code: 'missing_field' }] };
    }
    const hunks: Hunk[] = parsePatch(file.patch);
    let line: number;
    let side: Side;
    if (typeof input.line === 'number') {
      if (input.side !== undefined && input.side !== 'LEFT' && input.side !== 'RIGHT') {
        return { problems: [...problems, { field: 'side', code: 'invalid', text: 'is not included in the list' }] };
      }
      line = input.line;
      side = (input.side as Side | undefined) ?? 'RIGHT';
    } else if (typeof input.position === 'number') {
      const at = lineAtPosition(hunks, input.position);
      if (!at) return { problems: [...problems, { field: 'position', code: 'invalid', text: 'is invalid' }, { field: 'diff_hunk', code: 'missing_field' }] };
      line = at.line;
      side = at.side;
    } else {
      return { problems: [...problems, { field: 'line', code: 'custom', text: 'could not be resolved' }] };
    }
    const end = locateLine(hunks, line, side);
    if (!end) return { problems: [...problems, { field: 'line', code: 'custom', text: 'must be part of the diff' }, { field: 'diff_hunk', code: 'missing_field' }] };
    let startLine: number | null = null;
    let startSide: Side | null = null;
    if (typeof input.start_line === 'number') {
      startSide = input.start_side === 'LEFT' || input.start_side === 'RIGHT' ? input.start_side : side;
      startLine = input.start_line;
      const start = locateLine(hunks, startLine, startSide);
      if (startSide === side && startLine >= line) {
        problems.push({ field: 'start_line', code: 'custom', text: 'must precede the end line.' });
      } else if (!start || start.hunkIndex !== end.hunkIndex || start.diffLine.position > end.diffLine.position) {
        problems.push({ field: 'start_line', code: 'custom', text: 'must be part of the same hunk as the line.' });
      }
    }
    if (problems.length) return { problems };
    return {
      placement: {
        line, side, startLine, startSide, position: end.diffLine.position, diffHunk: diffHunkFor(hunks[end.hunkIndex], end.diffLine), subjectType: 'line'
      }
    };
  }

  // ------------------------------------------------------------------------------------------ faults

  fault(spec: FaultSpec): Fault {
    const f: Fault = { spec, remaining: spec.times ?? 1, hits: 0 };
    this.faults.push(f);
    return f;
  }

  clearFaults(): void { this.faults.length = 0; }

  private takeFault(method: string, pathname: string): Fault | undefined {
    const f = this.faults.find((x) => x.remaining > 0
      && (x.spec.method === undefined || x.spec.method.toUpperCase() === method)
      && (x.spec.path === undefined || (typeof x.spec.path === 'string' ? x.spec.path === pathname : x.spec.path.test(pathname))));
    if (f) { f.remaining--; f.hits++; }
    return f;
  }

  private faultReply(spec: FaultSpec, requestId: string): Reply | undefined {
    const kind = spec.kind ?? (spec.status !== undefined ? 'status' : 'delay');
    const retryAfter = spec.retryAfter ?? 1;
    const headers = { ...(spec.headers ?? {}) };
    switch (kind) {
      case 'delay':
      case 'reset':
        return undefined;
      case 'secondary-rate-limit':
        return {
          status: spec.status ?? 403,
          headers: { 'retry-after': String(retryAfter), ...headers },
          body: spec.body ?? errorBody(spec.status ?? 403,
            `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${requestId}.`,
            'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits')
        };
      case 'rate-limit':
        return {
          status: spec.status ?? 403,
          headers: {
            'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + retryAfter),
            ...(spec.status === 429 ? { 'retry-after': String(retryAfter) } : {}), ...headers
          },
          body: spec.body ?? errorBody(spec.status ?? 403,
            'API rate limit exceeded for installation ID 1. If you reach out to GitHub Support for help, please include the request ID ' + requestId + '.',
            'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api')
        };
      case 'status': {
        const status = spec.status ?? 500;
        if (status === 429 && !('retry-after' in headers)) headers['retry-after'] = String(retryAfter);
        const message = status === 422 ? 'Unprocessable Entity' : STATUS_CODES[status] ?? 'Error';
        return { status, headers, body: spec.body ?? errorBody(status, message, 'https://docs.github.com/rest') };
      }
    }
  }

  // ------------------------------------------------------------------------------------------ HTTP

  private violation(kind: ViolationKind, method: string, path: string, message: string, operationId?: string): void {
    this.violations.push({ kind, method, path, message, ...(operationId ? { operationId } : {}) });
  }

  private caller(req: IncomingMessage): Caller | HttpError {
    const auth = req.headers.authorization;
    if (!auth) return { login: 'anonymous' };
    const m = /^(?:token|bearer)\s+(\S+)$/i.exec(auth);
    const spec = m ? this.tokens.get(m[1]) : undefined;
    if (!m || !spec) return new HttpError(401, errorBody(401, 'Bad credentials', 'https://docs.github.com/rest'));
    const login = spec.login ?? DEFAULT_LOGIN;
    return { token: m[1], permission: spec.permission, login, installation: spec.installation ?? login.endsWith('[bot]') };
  }

  private rateHeaders(caller: Caller | undefined, resource: string): Record<string, string> {
    const key = `${caller && !(caller instanceof HttpError) ? caller.token ?? 'anon' : 'anon'}:${resource}`;
    const used = (this.rateUsed.get(key) ?? 0) + 1;
    this.rateUsed.set(key, used);
    const limit = caller?.token ? 5000 : 60;
    return {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - used)),
      'x-ratelimit-reset': String(this.rateReset),
      'x-ratelimit-used': String(used),
      'x-ratelimit-resource': resource
    };
  }

  private async readBody(req: IncomingMessage): Promise<Buffer | HttpError> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_REQUEST_BYTES) return new HttpError(413, errorBody(413, 'Payload Too Large', 'https://docs.github.com/rest'));
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = Date.now();
    const seq = ++this.seq;
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const pathname = url.pathname;
    const requestId = `${randomBytes(2).toString('hex').toUpperCase()}:${randomBytes(3).toString('hex').toUpperCase()}:${randomBytes(4).toString('hex').toUpperCase()}:${seq.toString(16).toUpperCase()}`;
    const entry: RecordedRequest = {
      seq, method, path: pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body: undefined, status: 0, startedAt, durationMs: 0
    };
    const raw = await this.readBody(req);
    const text = raw instanceof HttpError ? '' : raw.toString('utf8');
    if (text) { try { entry.body = JSON.parse(text); } catch { entry.body = text; } }

    const fault = this.takeFault(method, pathname);
    if (fault) {
      entry.fault = fault.spec.kind ?? (fault.spec.status !== undefined ? 'status' : 'delay');
      if (fault.spec.delayMs) await new Promise((r) => setTimeout(r, fault.spec.delayMs));
      if (entry.fault === 'reset') {
        entry.durationMs = Date.now() - startedAt;
        this.requests.push(entry);
        req.socket.destroy();
        return;
      }
    }
    const faultReply = fault && !fault.spec.afterHandling ? this.faultReply(fault.spec, requestId) : undefined;

    let reply: Reply;
    let operation: Operation | undefined;
    const caller = this.caller(req);
    const resource = pathname === '/graphql' ? 'graphql' : pathname.endsWith('/code-scanning/sarifs') && method === 'POST' ? 'code_scanning_upload' : 'core';
    if (faultReply) {
      reply = faultReply;
    } else {
      try {
        if (raw instanceof HttpError) throw raw;
        if (pathname === '/graphql' && method === 'POST') {
          reply = this.graphql(caller, entry.body, text, method, pathname);
        } else {
          const r = this.rest(method, pathname, url.searchParams, text, caller);
          operation = r.operation;
          reply = r.reply;
        }
      } catch (e) {
        if (!(e instanceof HttpError)) throw e;
        reply = { status: e.status, body: e.body, headers: e.headers };
      }
      if (fault && fault.spec.afterHandling) reply = this.faultReply(fault.spec, requestId) ?? reply;
    }

    if (operation && this.validateResponses && !fault && reply.body !== undefined) {
      const problem = this.spec.checkResponse(operation, reply.status, reply.body);
      if (problem) this.violation('response-body', method, pathname, `response ${reply.status} does not match the documented schema: ${problem}`, operation.operationId);
    }

    const headers: Record<string, string> = {
      'x-github-request-id': requestId,
      'x-github-api-version-selected': '2022-11-28',
      'x-github-media-type': 'github.v3; format=json',
      'access-control-expose-headers': 'ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset',
      ...this.rateHeaders(caller instanceof HttpError ? undefined : caller, resource),
      ...(reply.headers ?? {})
    };
    entry.status = reply.status;
    entry.operationId = operation?.operationId;
    if (reply.body !== undefined && reply.status !== 204) {
      headers['content-type'] = 'application/json; charset=utf-8';
      res.writeHead(reply.status, headers);
      res.end(JSON.stringify(reply.body));
    } else {
      res.writeHead(reply.status, headers);
      res.end();
    }
    entry.durationMs = Date.now() - startedAt;
    this.requests.push(entry);
  }

  private graphql(caller: Caller | HttpError, body: unknown, text: string, method: string, pathname: string): Reply {
    if (caller instanceof HttpError) throw caller;
    if (!caller.token) {
      throw new HttpError(401, { message: 'This endpoint requires you to be authenticated.', documentation_url: 'https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql' });
    }
    if (text && typeof body === 'string') {
      this.violation('graphql', method, pathname, 'request body is not JSON');
      throw new HttpError(400, { message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/graphql' });
    }
    const result = executeGraphql(body, {
      state: this.state,
      viewer: caller.login,
      canWrite: caller.permission === 'write',
      violation: (message) => this.violation('graphql', method, pathname, message)
    });
    return { status: 200, body: result.body };
  }

  private rest(method: string, pathname: string, search: URLSearchParams, text: string, caller: Caller | HttpError): { operation?: Operation; reply: Reply } {
    const match = this.spec.match(method, pathname);
    const operation = match.operation;
    if (!operation) {
      this.violation('unknown-route', method, pathname, match.pathMatched ? `${method} is not defined for this path in GitHub's OpenAPI description` : 'no such path in GitHub\'s OpenAPI description');
      throw new HttpError(404, errorBody(404, 'Not Found', 'https://docs.github.com/rest'));
    }
    const docs = this.spec.docsUrl(operation);
    const id = operation.operationId;
    if (caller instanceof HttpError) throw caller;

    const { problems, values } = this.spec.checkParams(operation, match.params, search);
    for (const p of problems) this.violation(p.in === 'path' ? 'path-param' : 'query-param', method, pathname, p.message, id);
    if (problems.some((p) => p.in === 'path')) throw new HttpError(404, errorBody(404, 'Not Found', docs));
    if (problems.length) {
      throw new HttpError(422, errorBody(422, 'Validation Failed', docs, { errors: problems.map((p) => ({ resource: 'Request', field: p.name, code: 'invalid', message: p.message })) }));
    }

    let body: Record<string, unknown> = {};
    const rb = this.spec.requestBody(operation);
    if (rb.hasJson) {
      if (text === '') {
        if (rb.required) {
          this.violation('request-body', method, pathname, 'required JSON request body is missing', id);
          throw new HttpError(422, errorBody(422, 'Invalid request.\n\nRequest body is required.', docs));
        }
      } else {
        let parsed: unknown;
        try { parsed = JSON.parse(text); } catch {
          this.violation('request-body', method, pathname, 'request body is not valid JSON', id);
          throw new HttpError(400, errorBody(400, 'Problems parsing JSON', docs));
        }
        const problem = this.spec.checkBody(operation, parsed);
        if (problem) {
          this.violation('request-body', method, pathname, `request body does not match the schema: ${problem}`, id);
          throw new HttpError(422, errorBody(422, `Invalid request.\n\n${problem}`, docs));
        }
        body = (parsed ?? {}) as Record<string, unknown>;
      }
    }

    // Repository scope: only the one repository exists.
    const repo = this.state.repository;
    if ('owner' in match.params && 'repo' in match.params) {
      const visible = !repo.private || caller.token !== undefined;
      if (!visible || match.params.owner.toLowerCase() !== repo.owner.toLowerCase() || match.params.repo.toLowerCase() !== repo.name.toLowerCase()) {
        throw new HttpError(404, errorBody(404, 'Not Found', docs));
      }
    }
    if (method !== 'GET' && method !== 'HEAD') {
      if (!caller.token) throw new HttpError(401, errorBody(401, 'Requires authentication', docs));
      if (caller.permission !== 'write') throw new HttpError(403, errorBody(403, 'Resource not accessible by integration', docs));
    }

    const handler = this.handlers[id];
    if (!handler) {
      this.violation('unimplemented', method, pathname, `operation ${id} is valid GitHub API but not implemented by the loopback server`, id);
      return { operation, reply: { status: 501, body: errorBody(501, `Not implemented by the loopback GitHub: ${id}`, docs) } };
    }
    const ctx: Ctx = { method, pathname, searchParams: search, operation, params: match.params, query: values, body, caller };
    return { operation, reply: handler(ctx) };
  }

  // ------------------------------------------------------------------------------------------ handlers

  private paginate<T>(ctx: Ctx, items: T[]): Reply {
    const perPage = Math.min(Math.max(Number(ctx.query.per_page ?? 30) || 30, 1), 100);
    const page = Math.max(Number(ctx.query.page ?? 1) || 1, 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const link = (p: number): string => {
      const q = new URLSearchParams(ctx.searchParams);
      q.set('per_page', String(perPage));
      q.set('page', String(p));
      return `<${this.url}${ctx.pathname}?${q.toString()}>`;
    };
    const rels: string[] = [];
    if (page > 1) rels.push(`${link(page - 1)}; rel="prev"`);
    if (page < last) rels.push(`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`);
    if (page > 1) rels.push(`${link(1)}; rel="first"`);
    return { status: 200, body: slice, headers: rels.length ? { link: rels.join(', ') } : {} };
  }

  private prOf(ctx: Ctx): PullRequestState {
    const n = Number(ctx.params.pull_number ?? ctx.params.issue_number);
    const pr = this.state.pullRequests.find((p) => p.number === n);
    if (!pr) throw new HttpError(404, errorBody(404, 'Not Found', this.spec.docsUrl(ctx.operation)));
    return pr;
  }

  private commentById(ctx: Ctx): { pr: PullRequestState; c: ReviewCommentState } {
    const id = Number(ctx.params.comment_id);
    for (const pr of this.state.pullRequests) {
      const c = pr.reviewComments.find((x) => x.id === id);
      if (c) return { pr, c };
    }
    throw new HttpError(404, errorBody(404, 'Not Found', this.spec.docsUrl(ctx.operation)));
  }

  private reviewById(ctx: Ctx, pr: PullRequestState): ReviewState {
    const r = pr.reviews.find((x) => x.id === Number(ctx.params.review_id));
    if (!r) throw new HttpError(404, errorBody(404, 'Not Found', this.spec.docsUrl(ctx.operation)));
    return r;
  }

  private issueCommentById(ctx: Ctx): IssueCommentState {
    const c = this.state.issueComments.find((x) => x.id === Number(ctx.params.comment_id));
    if (!c) throw new HttpError(404, errorBody(404, 'Not Found', this.spec.docsUrl(ctx.operation)));
    return c;
  }

  private unprocessable(ctx: Ctx, errors: string[]): HttpError {
    return new HttpError(422, errorBody(422, 'Unprocessable Entity', this.spec.docsUrl(ctx.operation), { errors }));
  }

  private validationFailed(ctx: Ctx, errors: Record<string, string>[]): HttpError {
    return new HttpError(422, errorBody(422, 'Validation Failed', this.spec.docsUrl(ctx.operation), { errors }));
  }

  private checkIssueBody(ctx: Ctx, body: unknown): string {
    const text = String(body ?? '');
    if (text.trim() === '') throw this.validationFailed(ctx, [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }]);
    if (charLength(text) > MAX_BODY_CHARS) {
      throw this.validationFailed(ctx, [{ resource: 'IssueComment', code: 'custom', field: 'body', message: `body is too long (maximum is ${MAX_BODY_CHARS} characters)` }]);
    }
    return text;
  }

  private rcJson(c: ReviewCommentState, forReview = false): Record<string, unknown> {
    return reviewCommentJson(this.url, this.state.repository, c, forReview);
  }

  private readonly handlers: Record<string, (ctx: Ctx) => Reply> = {
    'users/get-authenticated': (ctx) => {
      const docs = this.spec.docsUrl(ctx.operation);
      if (!ctx.caller.token) throw new HttpError(401, errorBody(401, 'Requires authentication', docs));
      if (ctx.caller.installation) throw new HttpError(403, errorBody(403, 'Resource not accessible by integration', docs));
      return { status: 200, body: publicUserJson(ctx.caller.login) };
    },

    'repos/get': () => ({ status: 200, body: repositoryJson(this.url, this.state.repository, true) }),

    'pulls/list': (ctx) => {
      const wanted = String(ctx.query.state ?? 'open');
      const prs = this.state.pullRequests.filter((p) => wanted === 'all' || p.state === wanted).sort((a, b) => b.number - a.number);
      const page = this.paginate(ctx, prs);
      return { ...page, body: (page.body as PullRequestState[]).map((p) => this.simplePull(p)) };
    },

    'pulls/get': (ctx) => ({ status: 200, body: pullRequestJson(this.url, this.state.repository, this.prOf(ctx)) }),

    'pulls/list-files': (ctx) => {
      const pr = this.prOf(ctx);
      const page = this.paginate(ctx, pr.files.slice(0, 3000));
      return { ...page, body: (page.body as PrFile[]).map((f) => diffEntryJson(this.state.repository, pr, f)) };
    },

    'pulls/list-review-comments': (ctx) => {
      const pr = this.prOf(ctx);
      let items = [...pr.reviewComments];
      if (ctx.query.since) items = items.filter((c) => c.updatedAt >= String(ctx.query.since));
      if (ctx.query.sort) {
        const key = ctx.query.sort === 'updated' ? 'updatedAt' : 'createdAt';
        items.sort((a, b) => a[key].localeCompare(b[key]) || a.id - b.id);
        if (ctx.query.direction === 'desc') items.reverse();
      }
      const page = this.paginate(ctx, items);
      return { ...page, body: (page.body as ReviewCommentState[]).map((c) => this.rcJson(c)) };
    },

    'pulls/create-review-comment': (ctx) => {
      const pr = this.prOf(ctx);
      const b = ctx.body;
      if (typeof b.in_reply_to === 'number') {
        const c = this.addReply(pr, b.in_reply_to, String(b.body), ctx.caller.login);
        return { status: 201, body: this.rcJson(c), headers: { location: `${this.url}/repos/${this.state.repository.owner}/${this.state.repository.name}/pulls/comments/${c.id}` } };
      }
      if (!pr.commits.includes(String(b.commit_id))) {
        throw this.validationFailed(ctx, [{ resource: 'PullRequestReviewComment', code: 'custom', field: 'pull_request_review_thread.end_commit_oid', message: 'pull_request_review_thread.end_commit_oid is not part of the pull request' }]);
      }
      const result = this.place(pr, b);
      if ('problems' in result) throw this.validationFailed(ctx, result.problems.map(validationStyle));
      const review = this.addReview(pr, { user: ctx.caller.login, body: '', state: 'COMMENTED', commitId: String(b.commit_id) });
      const c = this.addComment(pr, review.id, String(b.path), result.placement, String(b.body), ctx.caller.login, String(b.commit_id));
      return { status: 201, body: this.rcJson(c), headers: { location: `${this.url}/repos/${this.state.repository.owner}/${this.state.repository.name}/pulls/comments/${c.id}` } };
    },

    'pulls/create-reply-for-review-comment': (ctx) => {
      const pr = this.prOf(ctx);
      const text = String(ctx.body.body);
      if (charLength(text) > MAX_BODY_CHARS) throw this.validationFailed(ctx, [validationStyle({ field: 'body', code: 'custom', text: `is too long (maximum is ${MAX_BODY_CHARS} characters)` })]);
      const c = this.addReply(pr, Number(ctx.params.comment_id), text, ctx.caller.login);
      return { status: 201, body: this.rcJson(c) };
    },

    'pulls/get-review-comment': (ctx) => ({ status: 200, body: this.rcJson(this.commentById(ctx).c) }),

    'pulls/update-review-comment': (ctx) => {
      const { c } = this.commentById(ctx);
      const text = String(ctx.body.body);
      if (charLength(text) > MAX_BODY_CHARS) throw this.validationFailed(ctx, [validationStyle({ field: 'body', code: 'custom', text: `is too long (maximum is ${MAX_BODY_CHARS} characters)` })]);
      c.body = text;
      c.updatedAt = isoNow();
      return { status: 200, body: this.rcJson(c) };
    },

    'pulls/delete-review-comment': (ctx) => {
      const { pr, c } = this.commentById(ctx);
      pr.reviewComments.splice(pr.reviewComments.indexOf(c), 1);
      const thread = pr.reviewThreads.find((t) => t.id === c.threadId);
      if (thread) {
        thread.commentIds = thread.commentIds.filter((x) => x !== c.id);
        if (thread.commentIds.length === 0) pr.reviewThreads.splice(pr.reviewThreads.indexOf(thread), 1);
      }
      return { status: 204 };
    },

    'pulls/list-reviews': (ctx) => {
      const pr = this.prOf(ctx);
      const page = this.paginate(ctx, pr.reviews);
      return { ...page, body: (page.body as ReviewState[]).map((r) => reviewJson(this.url, this.state.repository, r)) };
    },

    'pulls/get-review': (ctx) => {
      const pr = this.prOf(ctx);
      return { status: 200, body: reviewJson(this.url, this.state.repository, this.reviewById(ctx, pr)) };
    },

    'pulls/list-comments-for-review': (ctx) => {
      const pr = this.prOf(ctx);
      const review = this.reviewById(ctx, pr);
      const page = this.paginate(ctx, pr.reviewComments.filter((c) => c.pullRequestReviewId === review.id));
      return { ...page, body: (page.body as ReviewCommentState[]).map((c) => this.rcJson(c, true)) };
    },

    'pulls/update-review': (ctx) => {
      const pr = this.prOf(ctx);
      const review = this.reviewById(ctx, pr);
      const text = String(ctx.body.body);
      if (charLength(text) > MAX_BODY_CHARS) throw this.unprocessable(ctx, [`Body is too long (maximum is ${MAX_BODY_CHARS} characters)`]);
      review.body = text;
      return { status: 200, body: reviewJson(this.url, this.state.repository, review) };
    },

    'pulls/delete-pending-review': (ctx) => {
      const pr = this.prOf(ctx);
      const review = this.reviewById(ctx, pr);
      if (review.state !== 'PENDING') throw this.unprocessable(ctx, ['Can not delete a non-pending pull request review']);
      pr.reviews.splice(pr.reviews.indexOf(review), 1);
      this.dropReviewComments(pr, review.id);
      return { status: 200, body: reviewJson(this.url, this.state.repository, review) };
    },

    'pulls/submit-review': (ctx) => {
      const pr = this.prOf(ctx);
      const review = this.reviewById(ctx, pr);
      if (review.state !== 'PENDING') throw this.unprocessable(ctx, ['Can not submit a non-pending pull request review']);
      const event = String(ctx.body.event);
      review.state = event === 'APPROVE' ? 'APPROVED' : event === 'REQUEST_CHANGES' ? 'CHANGES_REQUESTED' : 'COMMENTED';
      if (typeof ctx.body.body === 'string') review.body = ctx.body.body;
      review.submittedAt = isoNow();
      return { status: 200, body: reviewJson(this.url, this.state.repository, review) };
    },

    'pulls/create-review': (ctx) => this.createReview(ctx),

    'issues/list-comments': (ctx) => {
      const n = Number(ctx.params.issue_number);
      this.prOf(ctx);
      let items = this.state.issueComments.filter((c) => c.issueNumber === n);
      if (ctx.query.since) items = items.filter((c) => c.updatedAt >= String(ctx.query.since));
      const page = this.paginate(ctx, items);
      return { ...page, body: (page.body as IssueCommentState[]).map((c) => issueCommentJson(this.url, this.state.repository, c)) };
    },

    'issues/create-comment': (ctx) => {
      this.prOf(ctx);
      const c = this.seedIssueComment(Number(ctx.params.issue_number), this.checkIssueBody(ctx, ctx.body.body), ctx.caller.login);
      return { status: 201, body: issueCommentJson(this.url, this.state.repository, c), headers: { location: `${this.url}/repos/${this.state.repository.owner}/${this.state.repository.name}/issues/comments/${c.id}` } };
    },

    'issues/get-comment': (ctx) => ({ status: 200, body: issueCommentJson(this.url, this.state.repository, this.issueCommentById(ctx)) }),

    'issues/update-comment': (ctx) => {
      const c = this.issueCommentById(ctx);
      c.body = this.checkIssueBody(ctx, ctx.body.body);
      c.updatedAt = isoNow();
      return { status: 200, body: issueCommentJson(this.url, this.state.repository, c) };
    },

    'issues/delete-comment': (ctx) => {
      const c = this.issueCommentById(ctx);
      this.state.issueComments.splice(this.state.issueComments.indexOf(c), 1);
      return { status: 204 };
    },

    'code-scanning/upload-sarif': (ctx) => this.uploadSarif(ctx),

    'code-scanning/get-sarif': (ctx) => {
      this.requireCodeScanning(ctx);
      const u = this.state.sarifUploads.find((x) => x.id === ctx.params.sarif_id);
      if (!u) throw new HttpError(404, errorBody(404, 'Not Found', this.spec.docsUrl(ctx.operation)));
      if (u.pendingPollsLeft > 0) {
        u.pendingPollsLeft--;
        return { status: 200, body: { processing_status: 'pending', analyses_url: null } };
      }
      u.processingStatus = u.outcome;
      const { owner, name } = this.state.repository;
      return {
        status: 200,
        body: u.outcome === 'complete'
          ? { processing_status: 'complete', analyses_url: `${this.url}/repos/${owner}/${name}/code-scanning/analyses?sarif_id=${u.id}`, errors: null }
          : { processing_status: 'failed', analyses_url: null, errors: u.errors }
      };
    }
  };

  private simplePull(pr: PullRequestState): Record<string, unknown> {
    const full = pullRequestJson(this.url, this.state.repository, pr);
    for (const k of ['merged', 'mergeable', 'rebaseable', 'mergeable_state', 'merged_by', 'comments', 'review_comments', 'maintainer_can_modify', 'commits', 'additions', 'deletions', 'changed_files']) delete full[k];
    return full;
  }

  private dropReviewComments(pr: PullRequestState, reviewId: number): void {
    const gone = new Set(pr.reviewComments.filter((c) => c.pullRequestReviewId === reviewId).map((c) => c.id));
    pr.reviewComments = pr.reviewComments.filter((c) => !gone.has(c.id));
    for (const t of pr.reviewThreads) t.commentIds = t.commentIds.filter((id) => !gone.has(id));
    pr.reviewThreads = pr.reviewThreads.filter((t) => t.commentIds.length > 0);
  }

  private createReview(ctx: Ctx): Reply {
    const pr = this.prOf(ctx);
    const b = ctx.body;
    const login = ctx.caller.login;
    const event = b.event as 'APPROVE' | 'REQUEST_CHANGES' | 'COMMENT' | undefined;
    const body = typeof b.body === 'string' ? b.body : '';
    const comments = (Array.isArray(b.comments) ? b.comments : []) as CommentInput[];
    const commitId = typeof b.commit_id === 'string' ? b.commit_id : pr.head.sha;
    if (!pr.commits.includes(commitId)) throw this.unprocessable(ctx, ['Commit SHA is not part of the pull request']);
    if (event === undefined && pr.reviews.some((r) => r.state === 'PENDING' && r.user === login)) {
      throw this.unprocessable(ctx, ['User can only have one pending review per pull request']);
    }
    if (event === 'APPROVE' && pr.user === login) throw this.unprocessable(ctx, ['Review Can not approve your own pull request']);
    if (event === 'REQUEST_CHANGES' && pr.user === login) throw this.unprocessable(ctx, ['Review Can not request changes on your own pull request']);
    if ((event === 'REQUEST_CHANGES' || event === 'COMMENT') && body.trim() === '' && comments.length === 0) {
      throw this.unprocessable(ctx, ['Review body can\'t be blank']);
    }
    if (charLength(body) > MAX_BODY_CHARS) throw this.unprocessable(ctx, [`Body is too long (maximum is ${MAX_BODY_CHARS} characters)`]);
    const placements: Placement[] = [];
    const messages: string[] = [];
    for (const c of comments) {
      const r = this.place(pr, c);
      if ('problems' in r) messages.push(...r.problems.map(reviewStyle));
      else placements.push(r.placement);
    }
    if (messages.length) throw this.unprocessable(ctx, [toSentence([...new Set(messages)])]);
    const state: ReviewStateName = event === 'APPROVE' ? 'APPROVED' : event === 'REQUEST_CHANGES' ? 'CHANGES_REQUESTED' : event === 'COMMENT' ? 'COMMENTED' : 'PENDING';
    const review = this.addReview(pr, { user: login, body, state, commitId });
    comments.forEach((c, i) => this.addComment(pr, review.id, String(c.path), placements[i], String(c.body), login, commitId));
    pr.updatedAt = isoNow();
    return { status: 200, body: reviewJson(this.url, this.state.repository, review) };
  }

  private requireCodeScanning(ctx: Ctx): void {
    if (!this.state.repository.codeScanningEnabled) {
      throw new HttpError(403, errorBody(403, 'Advanced Security must be enabled for this repository to use code scanning.', this.spec.docsUrl(ctx.operation)));
    }
  }

  private uploadSarif(ctx: Ctx): Reply {
    this.requireCodeScanning(ctx);
    const b = ctx.body as { commit_sha: string; ref: string; sarif: string; tool_name?: string; checkout_uri?: string; started_at?: string };
    const docs = this.spec.docsUrl(ctx.operation);
    const gz = Buffer.from(b.sarif, 'base64');
    if (gz.length > MAX_SARIF_GZIP_BYTES) throw new HttpError(413, errorBody(413, 'Payload Too Large', docs));
    let log: unknown;
    try {
      log = JSON.parse(gunzipSync(gz).toString('utf8'));
    } catch (e) {
      this.violation('sarif', ctx.method, ctx.pathname, `sarif is not gzip+base64 JSON: ${(e as Error).message}`, ctx.operation.operationId);
      throw new HttpError(400, errorBody(400, 'Invalid SARIF: the sarif field must be a gzip-compressed, base64-encoded SARIF file', docs));
    }
    const errors = sarifProblems(log);
    const upload: SarifUploadState = {
      id: randomUUID(), commitSha: b.commit_sha, ref: b.ref, toolName: b.tool_name, checkoutUri: b.checkout_uri, startedAt: b.started_at,
      compressedBytes: gz.length, sarif: log, processingStatus: 'pending', errors, pendingPollsLeft: this.sarifPendingPolls,
      outcome: errors.length ? 'failed' : 'complete', uploadedBy: ctx.caller.login
    };
    this.state.sarifUploads.push(upload);
    const { owner, name } = this.state.repository;
    return { status: 202, body: { id: upload.id, url: `${this.url}/repos/${owner}/${name}/code-scanning/sarifs/${upload.id}` } };
  }
}

/** The processing errors GitHub reports for a SARIF log it accepted for upload (a subset of its checks). */
export function sarifProblems(log: unknown): string[] {
  const problems: string[] = [];
  const l = log as { version?: unknown; runs?: unknown };
  if (!l || typeof l !== 'object') return ['SARIF file is not a JSON object'];
  if (l.version !== '2.1.0') problems.push(`SARIF version ${JSON.stringify(l.version)} is not supported; expected "2.1.0"`);
  if (!Array.isArray(l.runs)) return [...problems, 'SARIF file has no runs array'];
  if (l.runs.length > 20) problems.push(`SARIF file contains more runs than allowed (${l.runs.length} > 20)`);
  l.runs.forEach((run: { tool?: { driver?: { name?: unknown; rules?: unknown[] } }; results?: unknown[] }, i: number) => {
    if (typeof run?.tool?.driver?.name !== 'string' || run.tool.driver.name === '') problems.push(`run ${i}: tool.driver.name is required`);
    if ((run?.tool?.driver?.rules?.length ?? 0) > 25000) problems.push(`run ${i}: more rules than allowed (> 25000)`);
    const results = run?.results ?? [];
    if (results.length > 25000) problems.push(`run ${i}: more results than allowed (${results.length} > 25000)`);
    results.forEach((r, j) => {
      const res = r as { message?: { text?: unknown }; locations?: unknown[] };
      if (!Array.isArray(res.locations) || res.locations.length === 0) problems.push(`run ${i} result ${j}: locationFromSarifResult: expected at least one location`);
      if (typeof res.message?.text !== 'string' || res.message.text === '') problems.push(`run ${i} result ${j}: message.text is required`);
    });
  });
  return problems;
}

/** Starts a loopback GitHub on 127.0.0.1 (ephemeral port). */
export async function startLoopbackGitHub(options: LoopbackOptions = {}): Promise<LoopbackGitHub> {
  const server = new Server(options);
  await server.listen();
  return server;
}
