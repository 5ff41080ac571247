/**
 * The pull request a run is about, read from the event payload: number, base and head, the refs to report
 * against, and whether it comes from a fork (whose `pull_request` runs get a read-only token and no secrets).
 */

export interface PullRequestEventPayload {
  pull_request?: {
    number: number;
    base: { sha: string; ref?: string; repo?: { full_name?: string } | null };
    head: { sha: string; ref?: string; repo?: { full_name?: string } | null };
    user?: { login?: string } | null;
  };
  repository?: { full_name?: string };
}

export interface PullRequestContext {
  owner: string;
  repo: string;
  number: number;
  baseSha: string;
  headSha: string;
  baseRef?: string;
  headRef?: string;
  /** `owner/name` of the head repository; absent when the fork was deleted. */
  headRepository?: string;
  /** The head branch lives in another repository. */
  isFork: boolean;
  /** The event is `pull_request_target` (the token is the base repository's, with its permissions). */
  isTarget: boolean;
  author?: string;
}

export function pullRequestFromEvent(eventName: string, event: PullRequestEventPayload, repository: string): PullRequestContext | undefined {
  if (eventName !== 'pull_request' && eventName !== 'pull_request_target') return undefined;
  const pr = event.pull_request;
  if (!pr || typeof pr.number !== 'number' || !pr.base?.sha || !pr.head?.sha) return undefined;
  const fullName = repository || event.repository?.full_name || pr.base.repo?.full_name || '';
  const [owner = '', repo = ''] = fullName.split('/');
  const headRepository = pr.head.repo?.full_name ?? undefined;
  return {
    owner,
    repo,
    number: pr.number,
    baseSha: pr.base.sha,
    headSha: pr.head.sha,
    ...(pr.base.ref ? { baseRef: pr.base.ref } : {}),
    ...(pr.head.ref ? { headRef: pr.head.ref } : {}),
    ...(headRepository ? { headRepository } : {}),
    isFork: headRepository === undefined || headRepository.toLowerCase() !== fullName.toLowerCase(),
    isTarget: eventName === 'pull_request_target',
    ...(pr.user?.login ? { author: pr.user.login } : {})
  };
}

/** A `pull_request` run from a fork: GitHub gives it a read-only token, so writes are not even tried. */
export function expectReadOnlyToken(pr: PullRequestContext): boolean {
  return pr.isFork && !pr.isTarget;
}

/**
 * The ref and commit code scanning results are filed under: the PR's head ref when the checkout is the head
 * commit, its merge ref when the checkout is GitHub's merge commit (actions/checkout's default on pull_request).
 */
export function codeScanningRef(pr: PullRequestContext, checkedOutSha: string): { ref: string; commitSha: string } {
  if (!checkedOutSha || checkedOutSha === pr.headSha) return { ref: `refs/pull/${pr.number}/head`, commitSha: pr.headSha };
  return { ref: `refs/pull/${pr.number}/merge`, commitSha: checkedOutSha };
}
