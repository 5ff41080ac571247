/** The Octokit adapter: retries, rate limits, timeouts and the time budget, against a tiny local server. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Budget, createGitHubClient, isPermissionError } from '../../src/github/client.js';

type Handler = (req: IncomingMessage, res: ServerResponse, hit: number) => void;
let server: Server;
let baseUrl = '';
let handler: Handler = (_req, res) => res.end('{}');
let hits = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    res.setHeader('content-type', 'application/json');
    handler(req, res, hits);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const quiet = { debug: () => undefined, warning: () => undefined };
function reset(h: Handler): void {
  hits = 0;
  handler = h;
}

describe('createGitHubClient', () => {
  test('sends the token and user agent, and retries a 502', async () => {
    let auth = '';
    let agent = '';
    reset((req, res, n) => {
      auth = String(req.headers.authorization);
      agent = String(req.headers['user-agent']);
      if (n === 1) {
        res.statusCode = 502;
        res.end('{"message":"Bad Gateway"}');
      } else res.end('{"id":1}');
    });
    const { octokit } = createGitHubClient({ token: 't0k', baseUrl, retryBaseMs: 5, log: quiet });
    const { data } = await octokit.request('GET /repos/{owner}/{repo}', { owner: 'o', repo: 'r' });
    expect(data).toEqual({ id: 1 });
    expect(hits).toBe(2);
    expect(auth).toBe('token t0k');
    expect(agent).toMatch(/^gitops-gate/);
  });

  test('does not retry a 422', async () => {
    reset((_req, res) => {
      res.statusCode = 422;
      res.end('{"message":"Validation Failed"}');
    });
    const { octokit } = createGitHubClient({ token: 't', baseUrl, retryBaseMs: 5, log: quiet });
    await expect(octokit.request('POST /repos/{owner}/{repo}/pulls/1/reviews', { owner: 'o', repo: 'r' })).rejects.toMatchObject({ status: 422 });
    expect(hits).toBe(1);
  });

  test('waits out a secondary rate limit with Retry-After', async () => {
    reset((_req, res, n) => {
      if (n === 1) {
        res.statusCode = 403;
        res.setHeader('retry-after', '1');
        res.end('{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}');
      } else res.end('{"ok":true}');
    });
    const { octokit } = createGitHubClient({ token: 't', baseUrl, retryBaseMs: 10, log: quiet });
    const { data } = await octokit.request('GET /repos/{owner}/{repo}', { owner: 'o', repo: 'r' });
    expect(data).toEqual({ ok: true });
    expect(hits).toBe(2);
  });

  test('a request that hangs times out and is retried', async () => {
    reset((_req, res, n) => {
      if (n === 1) setTimeout(() => res.end('{"late":true}'), 1500);
      else res.end('{"fast":true}');
    });
    const { octokit } = createGitHubClient({ token: 't', baseUrl, retryBaseMs: 5, requestTimeoutMs: 200, log: quiet });
    const { data } = await octokit.request('GET /repos/{owner}/{repo}', { owner: 'o', repo: 'r' });
    expect(data).toEqual({ fast: true });
  });

  test('once the budget is spent, requests fail at once and are not retried', async () => {
    reset((_req, res) => setTimeout(() => res.end('{}'), 1000));
    const { octokit, budget } = createGitHubClient({ token: 't', baseUrl, retryBaseMs: 5, budgetMs: 300, log: quiet });
    const started = Date.now();
    await expect(octokit.request('GET /repos/{owner}/{repo}', { owner: 'o', repo: 'r' })).rejects.toThrow(/budget/);
    expect(Date.now() - started).toBeLessThan(900);
    expect(budget.expired()).toBe(true);
  });
});

describe('helpers', () => {
  test('Budget counts down', () => {
    let t = 0;
    const b = new Budget(100, () => t);
    expect(b.remainingMs()).toBe(100);
    t = 150;
    expect(b.expired()).toBe(true);
  });

  test('isPermissionError: 403/404 but not a rate limit', () => {
    expect(isPermissionError(Object.assign(new Error('Resource not accessible by integration'), { status: 403 }))).toBe(true);
    expect(isPermissionError(Object.assign(new Error('Not Found'), { status: 404 }))).toBe(true);
    expect(isPermissionError(Object.assign(new Error('You have exceeded a secondary rate limit'), { status: 403 }))).toBe(false);
    expect(isPermissionError(Object.assign(new Error('Server Error'), { status: 500 }))).toBe(false);
  });
});
