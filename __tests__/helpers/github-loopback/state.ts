/**
 * The loopback GitHub's state (one repository, its pull requests, reviews, comments, threads, SARIF uploads)
 * and the JSON shapes GitHub's REST API returns for it.
 */
import { createHash } from 'node:crypto';
import type { PrFile, Side } from './diff.js';

export type Permission = 'write' | 'read';

export interface RepositoryState {
  owner: string;
  name: string;
  private: boolean;
  id: number;
  nodeId: string;
  defaultBranch: string;
  /** When false, code-scanning endpoints answer 403 "Advanced Security must be enabled…" */
  codeScanningEnabled: boolean;
}

export interface PullRequestState {
  number: number;
  id: number;
  nodeId: string;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  draft: boolean;
  /** Login of the PR author. */
  user: string;
  base: { ref: string; sha: string };
  /** `repoFullName` differs from `owner/name` for pull requests from forks. */
  head: { ref: string; sha: string; repoFullName: string };
  /** Commit SHAs of the PR (review `commit_id` must be one of them); always contains head.sha. */
  commits: string[];
  files: PrFile[];
  reviewComments: ReviewCommentState[];
  reviews: ReviewState[];
  reviewThreads: ReviewThreadState[];
  createdAt: string;
  updatedAt: string;
}

export interface ReviewCommentState {
  id: number;
  nodeId: string;
  pullNumber: number;
  pullRequestReviewId: number | null;
  threadId: string;
  path: string;
  /** null once the comment is outdated (GitHub keeps `original_line`). */
  line: number | null;
  originalLine: number | null;
  side: Side;
  startLine: number | null;
  originalStartLine: number | null;
  startSide: Side | null;
  position: number | null;
  originalPosition: number | null;
  diffHunk: string;
  commitId: string;
  originalCommitId: string;
  body: string;
  user: string;
  inReplyToId: number | null;
  subjectType: 'line' | 'file';
  createdAt: string;
  updatedAt: string;
  minimizedReason: string | null;
}

export type ReviewStateName = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'PENDING' | 'DISMISSED';

export interface ReviewState {
  id: number;
  nodeId: string;
  pullNumber: number;
  user: string;
  body: string;
  state: ReviewStateName;
  commitId: string;
  submittedAt: string | null;
}

export interface ReviewThreadState {
  /** GraphQL node id, `PRRT_…`. */
  id: string;
  pullNumber: number;
  path: string;
  isResolved: boolean;
  resolvedBy: string | null;
  isOutdated: boolean;
  /** Database ids of the comments in the thread, first = the thread's root comment. */
  commentIds: number[];
}

export interface IssueCommentState {
  id: number;
  nodeId: string;
  issueNumber: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
  minimizedReason: string | null;
}

export interface SarifUploadState {
  id: string;
  commitSha: string;
  ref: string;
  toolName?: string;
  checkoutUri?: string;
  startedAt?: string;
  /** Size of the gzip payload in bytes. */
  compressedBytes: number;
  /** The decoded SARIF log (base64 → gunzip → JSON). */
  sarif: unknown;
  processingStatus: 'pending' | 'complete' | 'failed';
  errors: string[];
  /** GETs still answered `pending` before the status settles. */
  pendingPollsLeft: number;
  /** What the status settles to. */
  outcome: 'complete' | 'failed';
  uploadedBy: string;
}

export interface LoopbackState {
  repository: RepositoryState;
  pullRequests: PullRequestState[];
  issueComments: IssueCommentState[];
  sarifUploads: SarifUploadState[];
  /** Next database id handed out (comments, reviews, pull requests share one sequence). */
  nextId: number;
}

export interface UserInfo {
  login: string;
  id: number;
  type: 'User' | 'Bot';
}

const FIXED_EPOCH = Date.parse('2026-01-01T00:00:00Z');

export function isoNow(): string {
  return new Date(Math.max(Date.now(), FIXED_EPOCH)).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function fakeSha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}

/** A GitHub-style global node id, e.g. `PRRT_kwDOAB…`. */
export function nodeId(prefix: string, ...parts: (string | number)[]): string {
  return `${prefix}_kwDO${Buffer.from(parts.join(':')).toString('base64url')}`;
}

export function userInfo(login: string): UserInfo {
  const hash = createHash('sha1').update(login).digest();
  return { login, id: 1000 + (hash.readUInt32BE(0) % 9_000_000), type: login.endsWith('[bot]') ? 'Bot' : 'User' };
}

/** `simple-user`. */
export function userJson(login: string): Record<string, unknown> {
  const u = userInfo(login);
  const api = `https://api.github.com/users/${encodeURIComponent(login)}`;
  return {
    login: u.login,
    id: u.id,
    node_id: nodeId(u.type === 'Bot' ? 'BOT' : 'U', u.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${u.id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: `https://github.com/${encodeURIComponent(login)}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: u.type,
    user_view_type: 'public',
    site_admin: false
  };
}

/** `public-user`, as `GET /user` answers for a user token. */
export function publicUserJson(login: string): Record<string, unknown> {
  return {
    ...userJson(login),
    name: null, company: null, blog: '', location: null, email: null, hireable: null, bio: null,
    public_repos: 0, public_gists: 0, followers: 0, following: 0, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z'
  };
}

/** `repository` / `full-repository` for `owner/name` (the main repository or a fork). */
export function repositoryJson(baseUrl: string, repo: RepositoryState, full: boolean): Record<string, unknown> {
  const fullName = `${repo.owner}/${repo.name}`;
  const api = `${baseUrl}/repos/${fullName}`;
  const html = `https://github.com/${fullName}`;
  const when = '2026-01-01T00:00:00Z';
  const json: Record<string, unknown> = {
    id: repo.id,
    node_id: repo.nodeId,
    name: repo.name,
    full_name: fullName,
    owner: userJson(repo.owner),
    private: repo.private,
    html_url: html,
    description: null,
    fork: false,
    url: api,
    archive_url: `${api}/{archive_format}{/ref}`,
    assignees_url: `${api}/assignees{/user}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`,
    deployments_url: `${api}/deployments`,
    downloads_url: `${api}/downloads`,
    events_url: `${api}/events`,
    forks_url: `${api}/forks`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_url: `git://github.com/${fullName}.git`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`,
    issues_url: `${api}/issues{/number}`,
    keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`,
    languages_url: `${api}/languages`,
    merges_url: `${api}/merges`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    pulls_url: `${api}/pulls{/number}`,
    releases_url: `${api}/releases{/id}`,
    ssh_url: `git@github.com:${fullName}.git`,
    stargazers_url: `${api}/stargazers`,
    statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    tags_url: `${api}/tags`,
    teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`,
    clone_url: `${html}.git`,
    mirror_url: null,
    hooks_url: `${api}/hooks`,
    svn_url: html,
    homepage: null,
    language: null,
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 1,
    default_branch: repo.defaultBranch,
    open_issues_count: 0,
    open_issues: 0,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: repo.private ? 'private' : 'public',
    pushed_at: when,
    created_at: when,
    updated_at: when,
    license: null,
    allow_forking: true,
    web_commit_signoff_required: false
  };
  if (full) {
    json.network_count = 0;
    json.subscribers_count = 0;
    json.permissions = { admin: false, maintain: false, push: true, triage: true, pull: true };
  }
  return json;
}

/** Splits `owner/name` of a head repository (fork) into a RepositoryState-like record. */
export function forkRepository(main: RepositoryState, fullName: string): RepositoryState {
  if (fullName === `${main.owner}/${main.name}`) return main;
  const [owner, name] = fullName.split('/');
  return { ...main, owner, name: name ?? main.name, id: main.id + 1 + (userInfo(fullName).id % 1000), nodeId: nodeId('R', fullName) };
}

export function pullRequestJson(baseUrl: string, repo: RepositoryState, pr: PullRequestState): Record<string, unknown> {
  const fullName = `${repo.owner}/${repo.name}`;
  const api = `${baseUrl}/repos/${fullName}`;
  const html = `https://github.com/${fullName}/pull/${pr.number}`;
  const headRepo = forkRepository(repo, pr.head.repoFullName);
  const additions = pr.files.reduce((n, f) => n + f.additions, 0);
  const deletions = pr.files.reduce((n, f) => n + f.deletions, 0);
  const link = (href: string) => ({ href });
  return {
    url: `${api}/pulls/${pr.number}`,
    id: pr.id,
    node_id: pr.nodeId,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${pr.number}`,
    commits_url: `${api}/pulls/${pr.number}/commits`,
    review_comments_url: `${api}/pulls/${pr.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pr.number}/comments`,
    statuses_url: `${api}/statuses/${pr.head.sha}`,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: userJson(pr.user),
    body: pr.body,
    labels: [],
    milestone: null,
    active_lock_reason: null,
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    closed_at: pr.state === 'closed' ? pr.updatedAt : null,
    merged_at: null,
    merge_commit_sha: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: {
      label: `${headRepo.owner}:${pr.head.ref}`,
      ref: pr.head.ref,
      sha: pr.head.sha,
      user: userJson(headRepo.owner),
      repo: { ...repositoryJson(baseUrl, headRepo, false), fork: headRepo !== repo }
    },
    base: {
      label: `${repo.owner}:${pr.base.ref}`,
      ref: pr.base.ref,
      sha: pr.base.sha,
      user: userJson(repo.owner),
      repo: repositoryJson(baseUrl, repo, false)
    },
    _links: {
      self: link(`${api}/pulls/${pr.number}`),
      html: link(html),
      issue: link(`${api}/issues/${pr.number}`),
      comments: link(`${api}/issues/${pr.number}/comments`),
      review_comments: link(`${api}/pulls/${pr.number}/comments`),
      review_comment: link(`${api}/pulls/comments{/number}`),
      commits: link(`${api}/pulls/${pr.number}/commits`),
      statuses: link(`${api}/statuses/${pr.head.sha}`)
    },
    author_association: 'CONTRIBUTOR',
    auto_merge: null,
    draft: pr.draft,
    merged: false,
    mergeable: true,
    rebaseable: true,
    mergeable_state: 'clean',
    merged_by: null,
    comments: 0,
    review_comments: pr.reviewComments.length,
    maintainer_can_modify: false,
    commits: pr.commits.length,
    additions,
    deletions,
    changed_files: pr.files.length
  };
}

export function diffEntryJson(repo: RepositoryState, pr: PullRequestState, f: PrFile): Record<string, unknown> {
  const fullName = `${repo.owner}/${repo.name}`;
  const ref = f.status === 'removed' ? pr.base.sha : pr.head.sha;
  const encoded = f.filename.split('/').map(encodeURIComponent).join('/');
  const json: Record<string, unknown> = {
    sha: f.sha ?? fakeSha(`${ref}:${f.filename}`),
    filename: f.filename,
    status: f.status,
    additions: f.additions,
    deletions: f.deletions,
    changes: f.changes,
    blob_url: `https://github.com/${fullName}/blob/${ref}/${encoded}`,
    raw_url: `https://github.com/${fullName}/raw/${ref}/${encoded}`,
    contents_url: `https://api.github.com/repos/${fullName}/contents/${encoded}?ref=${ref}`
  };
  if (f.patch !== undefined) json.patch = f.patch;
  if (f.previous_filename !== undefined) json.previous_filename = f.previous_filename;
  return json;
}

export function reviewCommentJson(baseUrl: string, repo: RepositoryState, c: ReviewCommentState, forReview = false): Record<string, unknown> {
  const fullName = `${repo.owner}/${repo.name}`;
  const api = `${baseUrl}/repos/${fullName}`;
  const html = `https://github.com/${fullName}/pull/${c.pullNumber}#discussion_r${c.id}`;
  const json: Record<string, unknown> = {
    url: `${api}/pulls/comments/${c.id}`,
    pull_request_review_id: c.pullRequestReviewId,
    id: c.id,
    node_id: c.nodeId,
    diff_hunk: c.diffHunk,
    path: c.path,
    position: c.position,
    original_position: c.originalPosition,
    commit_id: c.commitId,
    original_commit_id: c.originalCommitId,
    user: userJson(c.user),
    body: c.body,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    html_url: html,
    pull_request_url: `${api}/pulls/${c.pullNumber}`,
    author_association: 'NONE',
    _links: {
      self: { href: `${api}/pulls/comments/${c.id}` },
      html: { href: html },
      pull_request: { href: `${api}/pulls/${c.pullNumber}` }
    },
    reactions: {
      url: `${api}/pulls/comments/${c.id}/reactions`,
      total_count: 0, '+1': 0, '-1': 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0
    },
    start_line: c.startLine,
    original_start_line: c.originalStartLine,
    start_side: c.startSide,
    line: c.line,
    original_line: c.originalLine,
    side: c.side,
    subject_type: c.subjectType
  };
  if (c.inReplyToId !== null) json.in_reply_to_id = c.inReplyToId;
  if (forReview) {
    // `review-comment` (list comments for a review) has no subject_type and a non-null position type.
    delete json.subject_type;
    if (json.position === null) delete json.position;
    if (json.original_position === null) delete json.original_position;
  }
  return json;
}

export function reviewJson(baseUrl: string, repo: RepositoryState, r: ReviewState): Record<string, unknown> {
  const fullName = `${repo.owner}/${repo.name}`;
  const html = `https://github.com/${fullName}/pull/${r.pullNumber}#pullrequestreview-${r.id}`;
  const json: Record<string, unknown> = {
    id: r.id,
    node_id: r.nodeId,
    user: userJson(r.user),
    body: r.body,
    state: r.state,
    html_url: html,
    pull_request_url: `${baseUrl}/repos/${fullName}/pulls/${r.pullNumber}`,
    author_association: 'NONE',
    _links: { html: { href: html }, pull_request: { href: `${baseUrl}/repos/${fullName}/pulls/${r.pullNumber}` } },
    commit_id: r.commitId
  };
  if (r.submittedAt !== null) json.submitted_at = r.submittedAt;
  return json;
}

export function issueCommentJson(baseUrl: string, repo: RepositoryState, c: IssueCommentState): Record<string, unknown> {
  const fullName = `${repo.owner}/${repo.name}`;
  const api = `${baseUrl}/repos/${fullName}`;
  return {
    id: c.id,
    node_id: c.nodeId,
    url: `${api}/issues/comments/${c.id}`,
    html_url: `https://github.com/${fullName}/pull/${c.issueNumber}#issuecomment-${c.id}`,
    body: c.body,
    user: userJson(c.user),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    issue_url: `${api}/issues/${c.issueNumber}`,
    author_association: 'NONE'
  };
}
