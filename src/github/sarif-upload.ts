/**
 * Upload of the SARIF report to code scanning through the REST API (`POST /repos/{o}/{r}/code-scanning/sarifs`:
 * gzip then base64, `commit_sha`, `ref`, `checkout_uri`), then a bounded wait for GitHub to process it.
 * The category is the SARIF run's `automationDetails.id`, set when the report is built.
 */
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { errorMessage, errorStatus, isPermissionError, type GitHubClient } from './client.js';

/** Code scanning refuses a gzip-compressed SARIF file over 10 MB. */
export const MAX_SARIF_GZIP_BYTES = 10 * 1024 * 1024;

export function encodeSarif(sarifJson: string): { encoded: string; gzipBytes: number } {
  const gz = gzipSync(Buffer.from(sarifJson, 'utf8'));
  return { encoded: gz.toString('base64'), gzipBytes: gz.length };
}

export interface SarifUploadOptions {
  client: GitHubClient;
  owner: string;
  repo: string;
  /** The SARIF document as written to the file. */
  sarifJson: string;
  commitSha: string;
  /** `refs/pull/<n>/head`, `refs/pull/<n>/merge` or `refs/heads/<branch>`. */
  ref: string;
  /** Absolute path of the checkout. */
  checkoutPath: string;
  startedAt?: Date;
  /** Waits between status polls, in ms; their sum bounds the wait. Default 1, 2, 4, 8, 15, 30 s. */
  pollDelaysMs?: readonly number[];
  log: { info(m: string): void; warning(m: string): void };
}

export type SarifUploadStatus = 'complete' | 'pending' | 'failed' | 'read-only' | 'error';

export interface SarifUploadOutcome {
  status: SarifUploadStatus;
  sarifId?: string;
  /** Processing errors, or the reason the upload was not made. */
  detail?: string;
  url?: string;
}

const DEFAULT_POLL_DELAYS_MS = [1000, 2000, 4000, 8000, 15000, 30000];

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function uploadSarif(opts: SarifUploadOptions): Promise<SarifUploadOutcome> {
  const { client, log } = opts;
  const { encoded, gzipBytes } = encodeSarif(opts.sarifJson);
  if (gzipBytes > MAX_SARIF_GZIP_BYTES) {
    return { status: 'error', detail: `the SARIF file is ${(gzipBytes / 1024 / 1024).toFixed(1)} MB compressed; code scanning accepts at most 10 MB` };
  }
  let sarifId: string | undefined;
  let url: string | undefined;
  try {
    const { data } = await client.octokit.rest.codeScanning.uploadSarif({
      owner: opts.owner,
      repo: opts.repo,
      commit_sha: opts.commitSha,
      ref: opts.ref,
      sarif: encoded,
      checkout_uri: pathToFileURL(opts.checkoutPath).href,
      ...(opts.startedAt ? { started_at: opts.startedAt.toISOString() } : {}),
      tool_name: 'gitops-gate'
    });
    sarifId = data.id;
    url = data.url;
  } catch (err) {
    if (isPermissionError(err)) {
      return { status: 'read-only', detail: `code scanning refused the upload (${errorMessage(err)}): the token needs \`security-events: write\`, and code scanning must be available for the repository` };
    }
    return { status: 'error', detail: `uploading the SARIF file failed: ${errorMessage(err)}` };
  }
  if (!sarifId) return { status: 'error', detail: 'code scanning accepted the upload but returned no id' };
  log.info(`SARIF uploaded to code scanning (id ${sarifId}); waiting for it to be processed.`);

  for (const delay of opts.pollDelaysMs ?? DEFAULT_POLL_DELAYS_MS) {
    if (client.budget.remainingMs() < delay + 2000) break;
    await sleep(delay);
    try {
      const { data } = await client.octokit.rest.codeScanning.getSarif({ owner: opts.owner, repo: opts.repo, sarif_id: sarifId });
      if (data.processing_status === 'complete') return { status: 'complete', sarifId, ...(url ? { url } : {}) };
      if (data.processing_status === 'failed') {
        return { status: 'failed', sarifId, detail: `code scanning could not process the SARIF file: ${(data.errors ?? []).join('; ') || 'no reason given'}` };
      }
    } catch (err) {
      // 404 right after the upload: not visible yet. Anything else: report and stop waiting.
      if (errorStatus(err) !== 404) {
        log.warning(`Cannot read the SARIF processing status: ${errorMessage(err)}`);
        break;
      }
    }
  }
  return { status: 'pending', sarifId, detail: 'code scanning had not finished processing the SARIF file when the wait ended' };
}
