/**
 * The GitHub API adapter: an Octokit with the retry and throttling plugins, a per-request timeout and a total time
 * budget for everything the run sends. Nothing here knows about findings.
 *
 * - Retries: 5xx, network errors and timeouts are retried with backoff (1 s, 4 s, 9 s); 4xx are not.
 * - Rate limits: secondary rate limits (403/429 with `Retry-After`) and the primary limit are retried after the
 *   wait GitHub names, as long as the wait fits in what is left of the budget.
 * - Budget: once spent, every request fails at once (no retry), so the run ends in bounded time.
 * - Identity: `tokenLogin` names the account the token writes as (whose comments are the gate's own).
 * - Proxy: requests use Node's fetch, which connects directly (it does not read HTTP(S)_PROXY on Node 20), so a
 *   loopback GITHUB_API_URL is never sent through a proxy.
 */
import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

export const DEFAULT_API_URL = 'https://api.github.com';
/** One request may take this long before it is aborted (and retried). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Everything the run sends to GitHub must be done within this. */
export const DEFAULT_BUDGET_MS = 180_000;

const RetryingOctokit = Octokit.plugin(retry, throttling);
export type GitHubOctokit = InstanceType<typeof RetryingOctokit>;

export interface ClientLog {
  debug(message: string): void;
  warning(message: string): void;
}

export interface GitHubClientOptions {
  token: string;
  /** REST API root, e.g. `https://api.github.com` or `https://ghe.example.com/api/v3`. */
  baseUrl?: string;
  userAgent?: string;
  requestTimeoutMs?: number;
  budgetMs?: number;
  /** Retries of a request after a 5xx, network error or timeout. Default 3. */
  retries?: number;
  /** Milliseconds multiplied by the retry backoff (1, 4, 9) and by Retry-After seconds. Default 1000. */
  retryBaseMs?: number;
  log?: ClientLog;
  /** For tests: the time source. */
  now?: () => number;
}

/** The time left for network calls. */
export class Budget {
  private readonly deadline: number;
  constructor(
    ms: number,
    private readonly now: () => number = Date.now
  ) {
    this.deadline = now() + ms;
  }
  remainingMs(): number {
    return Math.max(0, this.deadline - this.now());
  }
  expired(): boolean {
    return this.remainingMs() <= 0;
  }
}

export interface GitHubClient {
  octokit: GitHubOctokit;
  budget: Budget;
}

/** Thrown when the time budget is spent; not retried. */
export class BudgetExceededError extends Error {
  constructor() {
    super('the time budget for GitHub API calls is spent');
    // `AbortError` makes @octokit/request rethrow it as is, and the retry plugin leaves it alone.
    this.name = 'AbortError';
  }
}

/** fetch with a per-request timeout bounded by the budget; a timeout becomes a network error so it is retried. */
function timedFetch(budget: Budget, timeoutMs: number): typeof fetch {
  return async (input, init) => {
    const remaining = budget.remainingMs();
    if (remaining <= 0) throw new BudgetExceededError();
    const limit = Math.min(timeoutMs, remaining);
    const timeout = AbortSignal.timeout(limit);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    try {
      return await fetch(input, { ...init, signal });
    } catch (err) {
      if (timeout.aborted) {
        if (budget.expired()) throw new BudgetExceededError();
        // A TypeError with a cause is what @octokit/request turns into a retryable "500" RequestError.
        throw new TypeError(`request timed out after ${Math.round(limit / 1000)} s`, { cause: `request timed out after ${Math.round(limit / 1000)} s` });
      }
      throw err;
    }
  };
}

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const now = options.now ?? Date.now;
  const budget = new Budget(options.budgetMs ?? DEFAULT_BUDGET_MS, now);
  const retryBaseMs = options.retryBaseMs ?? 1000;
  const log = options.log;
  const waitFits = (retryAfterSeconds: number, retryCount: number): boolean =>
    retryCount < 3 && retryAfterSeconds * retryBaseMs < budget.remainingMs() - 1000;
  const octokit = new RetryingOctokit({
    auth: options.token,
    baseUrl: (options.baseUrl ?? DEFAULT_API_URL).replace(/\/+$/, ''),
    userAgent: options.userAgent ?? 'gitops-gate',
    request: { fetch: timedFetch(budget, options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS) },
    retry: { retries: options.retries ?? 3, retryAfterBaseValue: retryBaseMs },
    throttle: {
      retryAfterBaseValue: retryBaseMs,
      fallbackSecondaryRateRetryAfter: 60,
      onRateLimit: (retryAfter: number, opts: { method: string; url: string }, _o: unknown, retryCount: number) => {
        const retryIt = waitFits(retryAfter, retryCount);
        log?.warning(`GitHub API rate limit reached on ${opts.method} ${opts.url}; ${retryIt ? `retrying in ${retryAfter} s` : 'giving up'}.`);
        return retryIt;
      },
      onSecondaryRateLimit: (retryAfter: number, opts: { method: string; url: string }, _o: unknown, retryCount: number) => {
        const retryIt = waitFits(retryAfter, retryCount);
        log?.warning(`GitHub API secondary rate limit on ${opts.method} ${opts.url}; ${retryIt ? `retrying in ${retryAfter} s` : 'giving up'}.`);
        return retryIt;
      }
    },
    log: {
      debug: (m: string) => log?.debug(m),
      info: (m: string) => log?.debug(m),
      warn: (m: string) => log?.warning(m),
      error: (m: string) => log?.warning(m)
    }
  });
  return { octokit, budget };
}

/** HTTP status of an Octokit error, if it has one. */
export function errorStatus(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** A 403/404 on a write: the token may not do this (read-only token, fork pull request, missing permission). */
export function isPermissionError(err: unknown): boolean {
  const status = errorStatus(err);
  if (status === 404 || status === 401) return true;
  if (status !== 403) return false;
  // A 403 that is a rate limit is not about permissions.
  return !/rate limit/i.test(errorMessage(err));
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const status = errorStatus(err);
    const msg = err.message.split('\n')[0];
    return status && !msg.includes(String(status)) ? `${status} ${msg}` : msg;
  }
  return String(err);
}

/** The account GitHub Actions' `GITHUB_TOKEN` acts as. */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]';

const VIEWER_QUERY = 'query { viewer { login } }';

/**
 * The login the token acts as, as REST shows it on the comments it writes. A user token: `GET /user`. An
 * installation token (`GITHUB_TOKEN`, a GitHub App) is refused there with 403 "Resource not accessible by
 * integration": GraphQL `viewer` names its bot (`<app>[bot]`), and where that fails too it is `github-actions[bot]`.
 * Other errors are thrown.
 */
export async function tokenLogin(client: GitHubClient): Promise<string> {
  try {
    const { data } = await client.octokit.rest.users.getAuthenticated();
    return data.login;
  } catch (err) {
    if (errorStatus(err) !== 403 || /rate limit/i.test(errorMessage(err))) throw err;
  }
  try {
    const { viewer } = await client.octokit.graphql<{ viewer?: { login?: string } | null }>(VIEWER_QUERY);
    const login = viewer?.login;
    if (login) return login.endsWith('[bot]') ? login : `${login}[bot]`;
  } catch {
    // Not even the viewer: the token is the workflow's own.
  }
  return ACTIONS_BOT_LOGIN;
}
