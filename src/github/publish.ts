/**
 * Everything the action sends to GitHub after the SARIF file and the job summary are written: the pull-request
 * review and the SARIF upload. Never throws: problems come back as `errors` (which only fail the step with
 * `fail-on-report-error: true`) and as the decision to fall back to annotations.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import type { ActionInputs } from '../action/inputs.js';
import type { Finding } from '../analyze/types.js';
import { isObjectId, repoTopLevel } from '../changes/git.js';
import { DIAGNOSTIC_RULES } from '../report/diagnostic-rules.js';
import { encodePath } from '../report/markdown.js';
import type { Reports } from '../report/outputs.js';
import { buildReviewBody } from '../report/review-body.js';
import { buildReviewComment } from '../report/review-comment.js';
import { DEFAULT_INFORMATION_URI } from '../report/sarif.js';
import { RepoFiles } from '../repo/files.js';
import { loadBuiltinRules } from '../rules/load.js';
import type { RuleDefinition } from '../rules/types.js';
import type { RunResult } from '../run.js';
import { createGitHubClient, type GitHubClient } from './client.js';
import { codeScanningRef, expectReadOnlyToken } from './pull-request.js';
import { publishReview, type CommentGroup, type DiffFile, type ReviewOutcome, type ReviewPlan } from './review.js';
import { uploadSarif, type SarifUploadOutcome } from './sarif-upload.js';

export interface PublishLog {
  info(m: string): void;
  warning(m: string): void;
  debug(m: string): void;
}

export interface PublishInput {
  inputs: ActionInputs;
  result: RunResult;
  reports: Reports;
  sarifJson: string;
  log: PublishLog;
  startedAt?: Date;
  /** For tests: the client to use. */
  client?: GitHubClient;
}

export interface PublishOutcome {
  review?: ReviewOutcome;
  sarif?: SarifUploadOutcome;
  /** Write workflow-command annotations: the review was not posted (off, no token, read-only, failed). */
  annotate: boolean;
  /** Reporting problems: they fail the step only with `fail-on-report-error: true`. */
  errors: string[];
  /** One line per outcome, for the log and the job summary. */
  lines: string[];
}

const execFileAsync = promisify(execFile);

async function gitOut(root: string, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('git', args, { cwd: root, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } });
  return stdout;
}

/**
 * Review comments are anchored on the pull request's head commit, but the scan ran on whatever is checked out —
 * by default on pull_request, GitHub's merge commit. A file whose content differs between the two may have other
 * line numbers, so its findings go into the review body instead of comments. Returns the paths to drop.
 */
export async function filesDifferingFromHead(root: string, headSha: string, paths: readonly string[]): Promise<Set<string> | 'all' | 'none'> {
  let checkedOut: string;
  try {
    checkedOut = (await gitOut(root, ['rev-parse', 'HEAD'])).trim();
  } catch {
    return 'none';
  }
  if (checkedOut === headSha || paths.length === 0) return 'none';
  // The head sha comes from the event: git sees it only as a full object id, and the paths only literally.
  if (!isObjectId(headSha)) return 'all';
  try {
    const out = await gitOut(root, ['--literal-pathspecs', 'diff', '--name-only', '--no-renames', '--no-relative', '-z', '--end-of-options', headSha, '--', ...paths]);
    return new Set(out.split('\0').filter((p) => p !== ''));
  } catch {
    // The head commit is not in the clone: no line can be trusted.
    return 'all';
  }
}

const DOCS_URL = `${DEFAULT_INFORMATION_URI}/blob/main/docs/rules.md`;

/**
 * Reads single lines of files at head, for suggestions: through the repository's confined reader, so only files
 * inside the checkout (also through symlinks), within the size limit, valid UTF-8.
 */
export function lineReader(root: string, maxFileBytes: number): (file: string, line: number) => string | undefined {
  const cache = new Map<string, string[] | undefined>();
  let repo: RepoFiles | undefined;
  try {
    repo = new RepoFiles(root, { maxFileBytes });
  } catch {
    repo = undefined;
  }
  return (file, line) => {
    if (!cache.has(file)) {
      let lines: string[] | undefined;
      try {
        lines = repo?.readText(file).split(/\r?\n/);
      } catch {
        lines = undefined;
      }
      cache.set(file, lines);
    }
    return cache.get(file)?.[line - 1];
  };
}

export async function publish(input: PublishInput): Promise<PublishOutcome> {
  const { inputs, result, log } = input;
  const errors: string[] = [];
  const lines: string[] = [];
  const pr = inputs.pullRequest;
  let annotate = true;

  const wantsReview = inputs.reviewComments && pr !== undefined;
  const wantsUpload = inputs.uploadSarif;
  if (!wantsReview && !wantsUpload) return { annotate, errors, lines };
  if (!inputs.token) {
    lines.push('No `token`: nothing was sent to GitHub; new findings are annotated instead.');
    if (wantsUpload) errors.push('upload-sarif is true but there is no token to upload with');
    return { annotate, errors, lines };
  }
  const [owner = '', repo = ''] = inputs.repository.split('/');
  const client =
    input.client ??
    createGitHubClient({
      token: inputs.token,
      baseUrl: inputs.apiUrl,
      userAgent: 'gitops-gate-action',
      log: { debug: log.debug, warning: log.warning }
    });

  let review: ReviewOutcome | undefined;
  if (wantsReview && pr) {
    if (expectReadOnlyToken(pr)) {
      review = { status: 'read-only', commentsPosted: 0, resolved: 0, detail: 'fork pull request: the token is read-only', warnings: [] };
      lines.push('Pull request from a fork: its token is read-only, so new findings are annotated and listed here instead of commented.');
    } else {
      review = await postReview(input, client);
      for (const w of review.warnings) log.warning(w);
      if (review.status === 'posted') {
        lines.push(`Review ${review.reviewId ?? ''} posted with ${review.commentsPosted} inline comment${review.commentsPosted === 1 ? '' : 's'}${review.resolved ? `; ${review.resolved} fixed comment${review.resolved === 1 ? '' : 's'} resolved` : ''}.`);
        annotate = false;
      } else if (review.status === 'nothing-new') {
        lines.push(`Nothing new to comment on${review.resolved ? `; ${review.resolved} fixed comment${review.resolved === 1 ? '' : 's'} resolved` : ''}.`);
        annotate = false;
      } else if (review.status === 'read-only') {
        lines.push(`The token cannot write to the pull request (${review.detail}): new findings are annotated instead. Grant \`pull-requests: write\` to get review comments.`);
      } else {
        lines.push(`Posting the review failed (${review.detail}): new findings are annotated instead.`);
        errors.push(`review: ${review.detail}`);
      }
    }
  }

  let sarif: SarifUploadOutcome | undefined;
  if (wantsUpload) {
    const target = pr ? codeScanningRef(pr, inputs.sha) : { ref: inputs.ref, commitSha: inputs.sha };
    if (!target.ref || !target.commitSha) {
      sarif = { status: 'error', detail: 'no ref or commit to upload the SARIF file for (GITHUB_REF / GITHUB_SHA)' };
    } else {
      sarif = await uploadSarif({
        client,
        owner,
        repo,
        sarifJson: input.sarifJson,
        commitSha: target.commitSha,
        ref: target.ref,
        checkoutPath: path.resolve(result.settings.root),
        ...(input.startedAt ? { startedAt: input.startedAt } : {}),
        log
      });
    }
    const fork = pr !== undefined && expectReadOnlyToken(pr);
    if (sarif.status === 'complete') lines.push(`SARIF uploaded to code scanning and processed (id ${sarif.sarifId}).`);
    else if (sarif.status === 'pending') lines.push(`SARIF uploaded to code scanning (id ${sarif.sarifId}); processing had not finished when the wait ended.`);
    else {
      lines.push(`SARIF upload: ${sarif.detail}.${fork ? ' Pull requests from forks cannot upload; see "Pull requests from forks" in the README.' : ''}`);
      if (!(sarif.status === 'read-only' && fork)) errors.push(`upload-sarif: ${sarif.detail}`);
    }
  }
  return { ...(review ? { review } : {}), ...(sarif ? { sarif } : {}), annotate, errors, lines };
}

async function postReview(input: PublishInput, client: GitHubClient): Promise<ReviewOutcome> {
  const { inputs, result, reports, log } = input;
  const pr = inputs.pullRequest!;
  const root = path.resolve(result.settings.root);
  // Findings are relative to the scanned folder; the pull request's paths to the repository root.
  let prefix = '';
  let top = root;
  try {
    top = await repoTopLevel(root);
    prefix = path.relative(top, root).split(path.sep).join('/');
  } catch {
    prefix = '';
  }
  const toRepo = (file: string) => (prefix ? `${prefix}/${file}` : file);
  const fromRepo = new Map<string, string>();
  const findings: Finding[] = result.findings.map((f) => {
    fromRepo.set(toRepo(f.location.file), f.location.file);
    return prefix ? { ...f, location: { ...f.location, file: toRepo(f.location.file) } } : f;
  });
  let diff: DiffFile[] | undefined = result.changes?.map((c) => ({ path: c.path, status: c.status, addedLines: c.addedLines }));
  if (diff) {
    const differing = await filesDifferingFromHead(top, pr.headSha, diff.map((d) => d.path));
    if (differing !== 'none') {
      log.info(
        `The checkout is not the pull request's head commit ${pr.headSha.slice(0, 12)}; findings in files that differ from it are listed in the review body instead of commented (check out \`github.event.pull_request.head.sha\` to avoid this).`
      );
      diff = diff.filter((d) => differing !== 'all' && !differing.has(d.path));
    }
  }

  const definitions = new Map<string, RuleDefinition>(result.rules.map((r) => [r.id, r]));
  const builtin = new Set([...loadBuiltinRules().map((r) => r.id), ...DIAGNOSTIC_RULES.map((r) => r.id)]);
  const meta = new Map(reports.rules.map((r) => [r.id, r]));
  const readLine = lineReader(root, result.settings.limits.maxFileBytes);
  const linkBase = inputs.serverUrl && inputs.repository ? `${inputs.serverUrl.replace(/\/+$/, '')}/${inputs.repository}/blob/${pr.headSha}/` : undefined;
  const docsUrl = (ruleId: string): string | undefined => {
    if (builtin.has(ruleId)) return `${DOCS_URL}#${ruleId}`;
    const source = definitions.get(ruleId)?.source;
    // A custom rule: its file in the repository, at the base revision the policy was read from.
    return source && inputs.serverUrl && inputs.repository ? `${inputs.serverUrl.replace(/\/+$/, '')}/${inputs.repository}/blob/${result.baseCommit ?? pr.baseSha}/${encodePath(toRepo(source))}` : undefined;
  };

  const commentBody = (group: CommentGroup): string => {
    const rule = meta.get(group.ruleId);
    const definition = definitions.get(group.ruleId);
    const docs = docsUrl(group.ruleId);
    const line = readLine(fromRepo.get(group.path) ?? group.path, group.line);
    return buildReviewComment({
      findings: group.findings,
      ...(rule ? { rule: { ...rule, ...(definition?.fix ? { fix: definition.fix } : {}) } } : {}),
      trustedRuleText: builtin.has(group.ruleId),
      ...(docs ? { docsUrl: docs } : {}),
      ...(line !== undefined ? { lineText: line } : {})
    });
  };
  const reviewBody = (plan: ReviewPlan, posted: CommentGroup[]): string =>
    buildReviewBody({
      commentsPosted: posted.length,
      findingsCommented: posted.reduce((n, g) => n + g.findings.length, 0),
      alreadyCommented: plan.handledBefore.length,
      overflow: plan.overflow,
      maxComments: inputs.maxComments,
      offDiff: plan.offDiff,
      fixed: plan.fixed.length,
      blocking: result.blocking.length,
      rules: reports.rules,
      ...(linkBase ? { linkBase } : {}),
      reported: [...plan.overflow, ...plan.offDiff].map((f) => f.fingerprint)
    });

  return publishReview({
    client,
    pr,
    findings,
    ...(diff ? { diff } : {}),
    maxComments: inputs.maxComments,
    event: inputs.reviewEvent === 'REQUEST_CHANGES' && result.blocking.length > 0 ? 'REQUEST_CHANGES' : 'COMMENT',
    commentBody,
    reviewBody,
    log
  });
}
