/**
 * The one way the gate reaches the network: bounded GETs over node:http/https. Every connection, redirect hops
 * included, is checked against the address guard on the address it connects to; credentials go only to the
 * host they were given for; bodies are capped while they stream; each attempt has a time limit; network errors,
 * 429 and 5xx are retried with backoff; a semaphore bounds concurrency. Counts every request it makes.
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { nonPublicReason } from './address-guard.js';

export interface HttpRequest {
  url: string;
  headers?: Record<string, string>;
  /** Sent only while the request stays on the host of `url`; dropped on a redirect to any other host. */
  authorization?: string;
  maxBytes: number;
  /** Status codes that are answers, not failures (for example 401, read for its challenge). */
  accept?: number[];
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The URL that answered, after redirects. */
  url: string;
}

export class FetchError extends Error {
  constructor(
    message: string,
    /** Whether trying again may help (timeouts, resets, 5xx, 429). */
    readonly retryable = false,
    readonly status?: number
  ) {
    super(message);
    this.name = 'FetchError';
  }
}

export interface HttpClientOptions {
  /** Whether a host may resolve to a non-public address (the policy names it exactly). */
  mayReachPrivate: (host: string) => boolean;
  /** Whether plain http:// may be used with a host (the policy says so for it). */
  mayUsePlainHTTP: (host: string, port: number | undefined) => boolean;
  timeoutMs?: number;
  attempts?: number;
  /** First backoff; doubled each retry. */
  backoffMs?: number;
  concurrency?: number;
  maxRedirects?: number;
  userAgent?: string;
}

const DEFAULTS = { timeoutMs: 30_000, attempts: 3, backoffMs: 250, concurrency: 8, maxRedirects: 5 };

export class HttpClient {
  /** Requests sent (each attempt and each redirect hop counts). */
  requests = 0;
  private readonly options: Required<HttpClientOptions>;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

  constructor(options: HttpClientOptions) {
    this.options = { ...DEFAULTS, userAgent: 'gitops-gate', ...options };
  }

  async get(request: HttpRequest): Promise<HttpResponse> {
    await this.acquire();
    try {
      let delay = this.options.backoffMs;
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.follow(request);
        } catch (err) {
          if (!(err instanceof FetchError) || !err.retryable || attempt >= this.options.attempts) throw err;
          await new Promise((r) => setTimeout(r, delay));
          delay *= 2;
        }
      }
    } finally {
      this.release();
    }
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private async follow(request: HttpRequest): Promise<HttpResponse> {
    let url = new URL(request.url);
    const origin = url.host;
    for (let hop = 0; ; hop++) {
      this.checkScheme(url);
      const authorization = url.host === origin ? request.authorization : undefined;
      const response = await this.once(url, request, authorization);
      if (response.status >= 300 && response.status < 400 && response.headers.location) {
        if (hop >= this.options.maxRedirects) throw new FetchError(`${request.url}: more than ${this.options.maxRedirects} redirects`);
        url = new URL(response.headers.location, url);
        continue;
      }
      return { ...response, url: url.toString() };
    }
  }

  private checkScheme(url: URL): void {
    if (url.protocol === 'https:') return;
    if (url.protocol === 'http:' && this.options.mayUsePlainHTTP(hostOf(url), url.port ? Number(url.port) : undefined)) return;
    throw new FetchError(`${url.toString()}: ${url.protocol === 'http:' ? 'plain HTTP is not allowed here' : `the scheme ${url.protocol} is not fetched`}`);
  }

  private once(url: URL, request: HttpRequest, authorization: string | undefined): Promise<Omit<HttpResponse, 'url'>> {
    const host = hostOf(url);
    const privateOk = this.options.mayReachPrivate(host);
    if (isIP(host) && !privateOk) {
      const reason = nonPublicReason(host);
      if (reason) return Promise.reject(new FetchError(`${url.toString()}: not contacted: ${reason}`));
    }
    const lookup: LookupFunction = (hostname, options, callback) => {
      dns.lookup(hostname, { all: true }, (err, addresses) => {
        if (err) return callback(err, '', 0);
        const usable = addresses.filter((a) => privateOk || nonPublicReason(a.address) === undefined);
        if (usable.length === 0) {
          const reason = nonPublicReason(addresses[0]?.address ?? '') ?? 'no address';
          return callback(Object.assign(new Error(`not contacted: ${hostname} resolves to ${reason}`), { code: 'EGATEBLOCKED' }), '', 0);
        }
        if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, usable);
        callback(null, usable[0].address, usable[0].family);
      });
    };
    const headers: Record<string, string> = { 'user-agent': this.options.userAgent, ...request.headers };
    if (authorization) headers.authorization = authorization;
    const client = url.protocol === 'https:' ? https : http;
    this.requests++;
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (err: FetchError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        reject(err);
      };
      const req = client.request(url, { method: 'GET', headers, lookup, agent: url.protocol === 'https:' ? this.agents.https : this.agents.http }, (res) => {
        const status = res.statusCode ?? 0;
        const redirect = status >= 300 && status < 400 && res.headers.location !== undefined;
        if (!redirect && !(status >= 200 && status < 300) && !request.accept?.includes(status)) {
          res.resume();
          return fail(new FetchError(`${url.toString()}: HTTP ${status}`, status === 429 || status >= 500, status));
        }
        const length = Number(res.headers['content-length']);
        if (Number.isFinite(length) && length > request.maxBytes) {
          res.resume();
          return fail(new FetchError(`${url.toString()}: ${length} bytes, over the limit of ${request.maxBytes} bytes`));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > request.maxBytes) return fail(new FetchError(`${url.toString()}: over the limit of ${request.maxBytes} bytes`));
          chunks.push(chunk);
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ status, headers: res.headers, body: Buffer.concat(chunks) });
        });
        res.on('error', (err) => fail(new FetchError(`${url.toString()}: ${err.message}`, true)));
      });
      const timer = setTimeout(() => fail(new FetchError(`${url.toString()}: no complete answer within ${this.options.timeoutMs} ms`, true)), this.options.timeoutMs);
      req.on('error', (err: NodeJS.ErrnoException) => fail(new FetchError(`${url.toString()}: ${err.message}`, err.code !== 'EGATEBLOCKED')));
      req.end();
    });
  }

  private async acquire(): Promise<void> {
    if (this.active < this.options.concurrency) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}
