/**
 * The action on pull requests, as GitHub runs it: `node dist/index.js` with INPUT_* variables, a pull_request
 * event payload, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files and GITHUB_API_URL at a loopback GitHub that checks
 * every request against GitHub's OpenAPI description. Over a real git repository with base and head commits.
 * It runs the committed bundle: `npm run build` after changing src/ (CI checks that dist/ matches src/).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Octokit } from '@octokit/rest';
import { filesFromGitDiff, startLoopbackGitHub, type LoopbackGitHub, type RecordedRequest } from '../helpers/github-loopback/index.js';
import { apiDeployment } from '../helpers/manifests.js';
import { commitAll, git, gitRepo, tempDir, writeTree } from '../helpers/temp-repo.js';

const projectRoot = path.resolve('.');
const OWNER = 'acme';
const NAME = 'gitops';

interface ActionRun {
  status: number;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
  sarifWritten: boolean;
  ms: number;
  startedAt: number;
}

interface RunOptions {
  pr: number;
  baseSha: string;
  headSha: string;
  headRepo?: string;
  token?: string;
  inputs?: Record<string, string>;
}

/** Runs the bundled action asynchronously (the loopback server lives in this process). */
async function runAction(gh: LoopbackGitHub, workspace: string, o: RunOptions): Promise<ActionRun> {
  const dir = tempDir('gg-pr-action-');
  const files = { event: path.join(dir, 'event.json'), output: path.join(dir, 'output'), summary: path.join(dir, 'summary.md'), sarif: path.join(dir, 'out.sarif') };
  const repoJson = { full_name: `${OWNER}/${NAME}`, name: NAME, owner: { login: OWNER } };
  const event = {
    action: 'synchronize',
    number: o.pr,
    pull_request: {
      number: o.pr,
      user: { login: 'octocat', type: 'User' },
      base: { sha: o.baseSha, ref: 'main', repo: repoJson },
      head: { sha: o.headSha, ref: `feature-${o.pr}`, repo: { ...repoJson, full_name: o.headRepo ?? `${OWNER}/${NAME}` } }
    },
    repository: repoJson
  };
  writeFileSync(files.event, JSON.stringify(event));
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NO_PROXY: '127.0.0.1',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: files.event,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: `${OWNER}/${NAME}`,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: gh.url,
    GITHUB_REF: `refs/pull/${o.pr}/merge`,
    GITHUB_SHA: o.headSha,
    'INPUT_SARIF-FILE': files.sarif,
    INPUT_PATH: '.',
    INPUT_TOKEN: o.token ?? 'test-token',
    'INPUT_UPLOAD-SARIF': 'true'
  };
  for (const [name, value] of Object.entries(o.inputs ?? {})) env[`INPUT_${name.toUpperCase()}`] = value;
  const started = Date.now();
  const { status, stdout } = await new Promise<{ status: number; stdout: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(projectRoot, 'dist/index.js')], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ status: code ?? -1, stdout: out });
    });
  });
  const outputs: Record<string, string> = {};
  for (const m of readFileSync(files.output, 'utf8').matchAll(/^([\w-]+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]] = m[3];
  return { status, stdout, outputs, summary: readFileSync(files.summary, 'utf8'), sarifWritten: existsSync(files.sarif), ms: Date.now() - started, startedAt: started };
}

const CONFIG = 'rules:\n  only: [pss-privileged, pss-host-namespaces]\n';

/** The shared Deployment with `hostPID: true` (a finding the base already has), and what a test adds. */
function deployment(opts: { hostNetwork?: boolean; privileged?: 'true' | 'false' }): string {
  return apiDeployment({ pod: ['hostPID: true', ...(opts.hostNetwork ? ['hostNetwork: true'] : [])], security: opts.privileged ? [`privileged: ${opts.privileged}`] : [] });
}

/** Fingerprint and place of each new finding in a SARIF log. */
function newResults(sarifPath: string): { fp: string; file: string; line: number; ruleId: string }[] {
  const log = JSON.parse(readFileSync(sarifPath, 'utf8')) as {
    runs: { results: { ruleId: string; baselineState?: string; partialFingerprints: Record<string, string>; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[];
  };
  return log.runs[0].results
    .filter((r) => r.baselineState === 'new')
    .map((r) => ({ fp: r.partialFingerprints['gitopsGate/v1'], file: r.locations[0].physicalLocation.artifactLocation.uri, line: r.locations[0].physicalLocation.region.startLine, ruleId: r.ruleId }));
}

/** Lines the head adds, from `git diff -U0`. */
function addedLines(repo: string, base: string, head: string): Set<string> {
  const out = git(repo, 'diff', '-U0', '--no-color', base, head);
  const added = new Set<string>();
  let file = '';
  for (const line of out.split('\n')) {
    if (line.startsWith('+++ ')) file = line.slice(4).replace(/^b\//, '');
    const m = /^@@ .*\+(\d+)(?:,(\d+))? @@/.exec(line);
    if (m) for (let i = 0; i < (m[2] === undefined ? 1 : Number(m[2])); i++) added.add(`${file}:${Number(m[1]) + i}`);
  }
  return added;
}

const markers = (body: string) => [...body.matchAll(/<!-- gitops-gate:fingerprint=([^ ]+) -->/g)].map((m) => m[1]);
const writes = (requests: readonly RecordedRequest[], from: number) => requests.slice(from).filter((r) => r.method !== 'GET' && !(r.method === 'POST' && r.path === '/graphql' && !JSON.stringify(r.body).includes('mutation')));

describe('the action on a pull request, against a loopback GitHub', () => {
  let gh: LoopbackGitHub;
  let repo: string;
  let baseSha: string;
  let headSha: string;
  let first: ActionRun;
  let expected: { fp: string; file: string; line: number; ruleId: string }[];
  let sarifPath: string;

  beforeAll(async () => {
    repo = gitRepo({
      '.gitops-gate.yaml': CONFIG,
      'apps/base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
      'apps/base/deployment.yaml': deployment({}),
      'apps/prod/kustomization.yaml': 'namespace: prod\nresources:\n  - ../base\n'
    });
    baseSha = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'checkout', '-q', '-b', 'feature');
    writeTree(repo, {
      'apps/base/deployment.yaml': deployment({ hostNetwork: true, privileged: 'true' }),
      'apps/staging/kustomization.yaml': 'namespace: staging\nresources:\n  - ../base\n'
    });
    headSha = commitAll(repo, 'host network and privileged');
    gh = await startLoopbackGitHub({
      repository: { owner: OWNER, name: NAME },
      tokens: { 'test-token': 'write', 'read-token': 'read', 'user-token': { permission: 'write', login: 'gate-user' }, 'mallory-token': { permission: 'write', login: 'mallory' } },
      pullRequests: [7, 8, 9, 20, 21, 22, 23, 24, 25, 26, 27, 30, 31, 32].map((number) => ({
        number,
        base: { ref: 'main', sha: baseSha },
        head: { ref: `feature-${number}`, sha: headSha, ...(number === 9 ? { repoFullName: 'someone/gitops' } : {}) },
        files: filesFromGitDiff(repo, baseSha, headSha)
      }))
    });
    first = await runAction(gh, repo, { pr: 7, baseSha, headSha });
    sarifPath = '';
  }, 300_000);

  afterAll(async () => {
    await gh?.close();
  });

  test('first run: the verdict, outputs and SARIF file', () => {
    expect(first.status).toBe(1);
    expect(first.stdout).toMatch(/::error::\d+ new findings? at or above high severity blocks?/);
    expect(first.sarifWritten).toBe(true);
    expect(Number(first.outputs['comments-posted'])).toBe(2);
    expect(first.outputs['review-id']).toMatch(/^\d+$/);
    expect(first.outputs['sarif-id']).not.toBe('');
  });

  test('first run: one review, comments on exactly the new findings on added lines', () => {
    const pr = gh.pull(7);
    expect(pr.reviews).toHaveLength(1);
    expect(pr.reviews[0].state).toBe('COMMENTED');
    expect(String(pr.reviews[0].id)).toBe(first.outputs['review-id']);
    const sarifFile = gh.state.sarifUploads[0];
    expect(sarifFile).toBeDefined();
    // Expected: new findings (from the uploaded SARIF) whose line the head adds.
    const log = sarifFile.sarif as Parameters<typeof JSON.stringify>[0];
    const tmp = path.join(tempDir('gg-sarif-'), 'x.sarif');
    writeFileSync(tmp, JSON.stringify(log));
    sarifPath = tmp;
    const added = addedLines(repo, baseSha, headSha);
    expected = newResults(tmp);
    const onDiff = expected.filter((r) => added.has(`${r.file}:${r.line}`));
    const offDiff = expected.filter((r) => !added.has(`${r.file}:${r.line}`));
    expect(onDiff.length).toBeGreaterThanOrEqual(4);
    expect(offDiff.length).toBeGreaterThanOrEqual(1);
    const commented = pr.reviewComments.flatMap((c) => markers(c.body));
    expect(commented.sort()).toEqual(onDiff.map((r) => r.fp).sort());
    for (const c of pr.reviewComments) {
      expect(c.side).toBe('RIGHT');
      expect(added.has(`${c.path}:${c.line}`)).toBe(true);
    }
    // Off-diff findings are in the review body (collapsed), never comments.
    expect(pr.reviews[0].body).toContain('not on lines of this diff');
    for (const r of offDiff) expect(pr.reviews[0].body).toContain(r.fp);
  });

  test('first run: comments explain, link the docs and suggest the corrected line', () => {
    const pr = gh.pull(7);
    const privileged = pr.reviewComments.find((c) => c.body.includes('`pss-privileged`'))!;
    expect(privileged.body).toContain('**Why it matters:**');
    expect(privileged.body).toContain('**How to fix:**');
    expect(privileged.body).toContain('docs/rules.md#pss-privileged');
    expect(privileged.body).toContain('```suggestion\n            privileged: false\n```');
    expect(privileged.body).toMatch(/2 rendered objects[\s\S]*Deployment prod\/api[\s\S]*Deployment staging\/api/);
    const host = pr.reviewComments.find((c) => c.body.includes('`pss-host-namespaces`'))!;
    expect(host.body).toContain('```suggestion\n      hostNetwork: false\n```');
  });

  test('first run: SARIF uploaded for the head ref with checkout_uri and category, processing reported', () => {
    const upload = gh.state.sarifUploads[0];
    expect(upload.ref).toBe('refs/pull/7/head');
    expect(upload.commitSha).toBe(headSha);
    expect(upload.checkoutUri).toMatch(/^file:\/\//);
    const log = upload.sarif as { runs: { automationDetails?: { id?: string } }[] };
    expect(log.runs[0].automationDetails?.id).toMatch(/^gitops-gate\//);
    expect(upload.processingStatus).toBe('complete');
    expect(first.stdout).toMatch(/SARIF uploaded to code scanning and processed/);
  });

  test('first run: the job summary has the findings and the rendered-object diff', () => {
    expect(first.summary).toContain('### New findings');
    expect(first.summary).toContain(`https://github.com/${OWNER}/${NAME}/blob/${headSha}/apps/base/deployment.yaml#L`);
    expect(first.summary).toMatch(/Review \d+ posted with 2 inline comments/);
    // The staging overlay is new: its Deployment is added; prod's Deployment changed.
    expect(first.summary).toMatch(/Rendered objects: 1 added, 1 changed, 0 removed/);
    expect(first.summary).toContain('| kustomize:apps/staging | added | Deployment staging/api | apps/v1 |');
  });

  test('second run on the same head: no new comments, no new review', async () => {
    const before = gh.requests.length;
    const again = await runAction(gh, repo, { pr: 7, baseSha, headSha });
    expect(again.status).toBe(1);
    expect(Number(again.outputs['comments-posted'])).toBe(0);
    expect(again.outputs['review-id']).toBe('');
    const pr = gh.pull(7);
    expect(pr.reviews).toHaveLength(1);
    expect(pr.reviewComments).toHaveLength(2);
    expect(writes(gh.requests, before).filter((r) => r.path.includes('/pulls/'))).toEqual([]);
  });

  test('a follow-up commit that fixes one finding: its thread is resolved, the others untouched', async () => {
    writeTree(repo, { 'apps/base/deployment.yaml': deployment({ hostNetwork: true, privileged: 'false' }) });
    const fixSha = commitAll(repo, 'not privileged');
    gh.pushHead(7, { sha: fixSha, files: filesFromGitDiff(repo, baseSha, fixSha) });
    const run = await runAction(gh, repo, { pr: 7, baseSha, headSha: fixSha });
    expect(run.status).toBe(1);
    const pr = gh.pull(7);
    const threadOf = (rule: string) => {
      const c = pr.reviewComments.find((x) => x.body.includes(`\`${rule}\``))!;
      return pr.reviewThreads.find((t) => t.id === c.threadId)!;
    };
    expect(threadOf('pss-privileged').isResolved).toBe(true);
    expect(threadOf('pss-host-namespaces').isResolved).toBe(false);
    expect(pr.reviewComments).toHaveLength(2);
    expect(pr.reviews).toHaveLength(1);
    expect(Number(run.outputs['comments-posted'])).toBe(0);
    // Back to the first head for the other cases.
    git(repo, 'reset', '-q', '--hard', headSha);
  });

  test('a read-only token: annotations and the summary instead, same verdict', async () => {
    const run = await runAction(gh, repo, { pr: 8, baseSha, headSha, token: 'read-token', inputs: { 'upload-sarif': 'false' } });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/::error title=CRITICAL pss-privileged,file=apps\/base\/deployment\.yaml,line=\d+/);
    expect(run.summary).toContain('### New findings');
    expect(run.summary).toMatch(/cannot write to the pull request/);
    expect(gh.pull(8).reviews).toHaveLength(0);
    expect(run.outputs['comments-posted']).toBe('0');
  });

  test('a fork pull request: nothing is written, annotations instead, same verdict', async () => {
    const before = gh.requests.length;
    const run = await runAction(gh, repo, { pr: 9, baseSha, headSha, headRepo: 'someone/gitops', inputs: { 'upload-sarif': 'false' } });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/::error title=CRITICAL pss-privileged/);
    expect(run.summary).toMatch(/from a fork/);
    expect(gh.requests.length).toBe(before);
  });

  const faults: [string, number, Parameters<LoopbackGitHub['fault']>[0]][] = [
    ['500 on listing comments', 20, { method: 'GET', path: /\/pulls\/20\/comments$/, status: 500 }],
    ['502 on posting the review', 21, { method: 'POST', path: /\/pulls\/21\/reviews$/, status: 502 }],
    ['502 after the review was stored', 22, { method: 'POST', path: /\/pulls\/22\/reviews$/, status: 502, afterHandling: true }],
    ['secondary rate limit with Retry-After on the review', 23, { method: 'POST', path: /\/pulls\/23\/reviews$/, kind: 'secondary-rate-limit', retryAfter: 1 }],
    ['422 on the review', 24, { method: 'POST', path: /\/pulls\/24\/reviews$/, status: 422 }],
    ['slow answers', 25, { path: /\/pulls\/25\//, kind: 'delay', delayMs: 1500, times: 3 }],
    ['connection reset on listing comments', 26, { method: 'GET', path: /\/pulls\/26\/comments$/, kind: 'reset' }],
    ['500 on every SARIF upload', 27, { method: 'POST', path: /code-scanning\/sarifs$/, status: 500, times: Infinity }]
  ];
  test.each(faults)('%s: the run completes with the same verdict and the SARIF file written', async (_name, number, spec) => {
    const fault = gh.fault(spec);
    const run = await runAction(gh, repo, { pr: number, baseSha, headSha, inputs: number === 27 ? {} : { 'upload-sarif': 'false' } });
    gh.clearFaults();
    expect(fault.hits).toBeGreaterThan(0);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/::error::\d+ new findings? at or above high severity blocks?/);
    expect(run.sarifWritten).toBe(true);
    const pr = gh.pull(number);
    // Never a duplicate review.
    expect(pr.reviews.length).toBeLessThanOrEqual(1);
    if (number === 24) {
      expect(pr.reviews[0].body).toContain('not on lines of this diff');
    } else if (number !== 27) {
      expect(pr.reviews).toHaveLength(1);
      expect(pr.reviewComments).toHaveLength(2);
    }
  });

  test('fail-on-report-error: a reporting failure fails a run that would pass', async () => {
    gh.fault({ method: 'POST', path: /code-scanning\/sarifs$/, status: 422, times: Infinity });
    const passing = await runAction(gh, repo, { pr: 27, baseSha, headSha, inputs: { 'fail-on': 'none' } });
    const strict = await runAction(gh, repo, { pr: 27, baseSha, headSha, inputs: { 'fail-on': 'none', 'fail-on-report-error': 'true' } });
    gh.clearFaults();
    if (strict.status !== 1) process.stdout.write(strict.stdout);
    expect(passing.status).toBe(0);
    expect(strict.status).toBe(1);
    expect(strict.stdout).toMatch(/could not report to GitHub/);
  });

  /** New findings of the first run (from its uploaded SARIF), on lines the head adds and not. */
  function firstRunFindings(): { onDiff: string[]; offDiff: string[]; lineOf: Map<string, { file: string; line: number }>; comments: string[][] } {
    const tmp = path.join(tempDir('gg-sarif-'), 'first.sarif');
    writeFileSync(tmp, JSON.stringify(gh.state.sarifUploads[0].sarif));
    const added = addedLines(repo, baseSha, headSha);
    const results = newResults(tmp);
    // One comment per rule and line.
    const comments = new Map<string, string[]>();
    for (const r of results.filter((x) => added.has(`${x.file}:${x.line}`))) comments.set(`${r.file}:${r.line}:${r.ruleId}`, [...(comments.get(`${r.file}:${r.line}:${r.ruleId}`) ?? []), r.fp]);
    return {
      comments: [...comments.values()],
      onDiff: results.filter((r) => added.has(`${r.file}:${r.line}`)).map((r) => r.fp).sort(),
      offDiff: results.filter((r) => !added.has(`${r.file}:${r.line}`)).map((r) => r.fp).sort(),
      lineOf: new Map(results.map((r) => [r.fp, { file: r.file, line: r.line }]))
    };
  }
  const calls = (from: number) => gh.requests.slice(from).map((r) => `${r.method} ${r.path} ${r.status}${r.path === '/graphql' ? ` ${/viewer/.test(JSON.stringify(r.body)) ? 'viewer' : 'other'}` : ''}`);
  const ours = (number: number, login: string) => gh.pull(number).reviewComments.filter((c) => c.user === login).flatMap((c) => markers(c.body)).sort();

  test('markers in another account\'s comments and review do not suppress the gate\'s comments; its own do on a re-run', async () => {
    const { onDiff, offDiff, lineOf, comments } = firstRunFindings();
    expect(comments).toHaveLength(2);
    expect(onDiff).toHaveLength(4);
    // Someone pastes the markers of every finding, in comments and in a review body that claims to report them.
    for (const fp of onDiff) gh.seedReviewComment(30, { ...lineOf.get(fp)!, path: lineOf.get(fp)!.file, body: `nothing to see <!-- gitops-gate:fingerprint=${fp} -->`, user: 'mallory' });
    const mallory = new Octokit({ auth: 'mallory-token', baseUrl: gh.url });
    await mallory.rest.pulls.createReview({ owner: OWNER, repo: NAME, pull_number: 30, event: 'COMMENT', body: `ok\n<!-- gitops-gate:review -->\n<!-- gitops-gate:reported=${offDiff.join(',')} -->\n` });

    const before = gh.requests.length;
    const run = await runAction(gh, repo, { pr: 30, baseSha, headSha, inputs: { 'upload-sarif': 'false' } });
    expect(run.status).toBe(1);
    expect(Number(run.outputs['comments-posted'])).toBe(2);
    expect(ours(30, 'github-actions[bot]')).toEqual(onDiff);
    const review = gh.pull(30).reviews.find((r) => r.user === 'github-actions[bot]' && r.body.includes('gitops-gate:review'))!;
    for (const fp of offDiff) expect(review.body).toContain(fp);
    // The token's account is asked for once, because marked comments exist: GET /user is refused for an
    // installation token (403), GraphQL viewer answers. Then the reviews (off-diff findings exist), then the review.
    expect(calls(before)).toEqual([
      'GET /repos/acme/gitops/pulls/30/comments 200',
      'GET /user 403',
      'POST /graphql 200 viewer',
      'GET /repos/acme/gitops/pulls/30/reviews 200',
      'POST /repos/acme/gitops/pulls/30/reviews 200'
    ]);

    const again = await runAction(gh, repo, { pr: 30, baseSha, headSha, inputs: { 'upload-sarif': 'false' } });
    expect(Number(again.outputs['comments-posted'])).toBe(0);
    expect(again.outputs['review-id']).toBe('');
    expect(ours(30, 'github-actions[bot]')).toEqual(onDiff);
  });

  test('with a user token the gate\'s comments are that user\'s: github-actions[bot] markers do not count, its own do', async () => {
    const { onDiff, lineOf } = firstRunFindings();
    gh.seedReviewComment(31, { path: lineOf.get(onDiff[0])!.file, line: lineOf.get(onDiff[0])!.line, body: `<!-- gitops-gate:fingerprint=${onDiff[0]} -->`, user: 'github-actions[bot]' });
    const before = gh.requests.length;
    const run = await runAction(gh, repo, { pr: 31, baseSha, headSha, token: 'user-token', inputs: { 'upload-sarif': 'false' } });
    expect(Number(run.outputs['comments-posted'])).toBe(2);
    expect(ours(31, 'gate-user')).toEqual(onDiff);
    expect(calls(before).filter((c) => c.includes('/user') || c.includes('viewer'))).toEqual(['GET /user 200']);
    const again = await runAction(gh, repo, { pr: 31, baseSha, headSha, token: 'user-token', inputs: { 'upload-sarif': 'false' } });
    expect(Number(again.outputs['comments-posted'])).toBe(0);
    expect(ours(31, 'gate-user')).toEqual(onDiff);
  });

  test('an installation token (GET /user answers 403): comments by github-actions[bot] are the gate\'s own', async () => {
    const { onDiff, lineOf, comments } = firstRunFindings();
    const [done, open] = comments;
    const at = lineOf.get(done[0])!;
    gh.seedReviewComment(32, { path: at.file, line: at.line, body: done.map((fp) => `<!-- gitops-gate:fingerprint=${fp} -->`).join('\n'), user: 'github-actions[bot]' });
    const run = await runAction(gh, repo, { pr: 32, baseSha, headSha, inputs: { 'upload-sarif': 'false' } });
    expect(Number(run.outputs['comments-posted'])).toBe(1);
    expect(ours(32, 'github-actions[bot]')).toEqual(onDiff);
    const posted = gh.pull(32).reviewComments.filter((c) => c.user === 'github-actions[bot]' && c.pullRequestReviewId === Number(run.outputs['review-id']));
    expect(posted.flatMap((c) => markers(c.body)).sort()).toEqual([...open].sort());
  });

  test('every request matched GitHub\'s OpenAPI description', () => {
    expect(gh.violations).toEqual([]);
    expect(sarifPath).not.toBe('');
  });
});

describe('a pull request with 10 new findings', () => {
  test('one review with 10 comments; the requests and the time are recorded', async () => {
    const workers = Array.from({ length: 10 }, (_, i) => `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker-${i}
spec:
  selector:
    matchLabels: { app: worker-${i} }
  template:
    metadata:
      labels: { app: worker-${i} }
    spec:
      containers:
        - name: worker
          image: ghcr.io/example/worker:1.0.0
          securityContext:
            privileged: true
`).join('');
    const repo = gitRepo({
      '.gitops-gate.yaml': 'rules:\n  only: [pss-privileged]\n',
      'apps/base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
      'apps/base/deployment.yaml': deployment({}),
      'apps/prod/kustomization.yaml': 'namespace: prod\nresources:\n  - ../base\n'
    });
    const baseSha = git(repo, 'rev-parse', 'HEAD');
    writeTree(repo, { 'apps/base/kustomization.yaml': 'resources:\n  - deployment.yaml\n  - workers.yaml\n', 'apps/base/workers.yaml': workers });
    const headSha = commitAll(repo, 'ten privileged workers');
    const gh = await startLoopbackGitHub({
      repository: { owner: OWNER, name: NAME },
      pullRequests: [{ number: 42, base: { ref: 'main', sha: baseSha }, head: { ref: 'workers', sha: headSha }, files: filesFromGitDiff(repo, baseSha, headSha) }]
    });
    try {
      const run = await runAction(gh, repo, { pr: 42, baseSha, headSha });
      if (gh.pull(42).reviewComments.length !== 10) process.stdout.write(run.stdout);
      expect(run.status).toBe(1);
      expect(gh.pull(42).reviewComments).toHaveLength(10);
      expect(gh.violations).toEqual([]);
      const requests = gh.requests.map((r) => `${r.method} ${r.path}${Object.keys(r.query).length ? `?${new URLSearchParams(r.query)}` : ''} -> ${r.status}`);
      const first = gh.requests[0].startedAt - run.startedAt;
      const last = gh.requests[gh.requests.length - 1];
      const report = { requests, actionMs: run.ms, scanMs: first, networkMs: last.startedAt + last.durationMs - gh.requests[0].startedAt, apiMs: gh.requests.reduce((n, r) => n + r.durationMs, 0) };
      writeFileSync(path.join(tempDir('gg-measure-'), 'measure.json'), JSON.stringify(report, null, 2));
      process.stdout.write(`\n10-finding PR: ${requests.length} requests, action ran ${run.ms} ms, scan and files ${report.scanMs} ms, first to last request ${report.networkMs} ms (server time ${report.apiMs} ms)\n${requests.join('\n')}\n`);
      expect(requests.filter((r) => r.startsWith('POST') && r.includes('/reviews'))).toHaveLength(1);
      // Without the SARIF upload: the review alone.
      const quick = await startLoopbackGitHub({
        repository: { owner: OWNER, name: NAME },
        pullRequests: [{ number: 43, base: { ref: 'main', sha: baseSha }, head: { ref: 'workers', sha: headSha }, files: filesFromGitDiff(repo, baseSha, headSha) }]
      });
      try {
        const run2 = await runAction(quick, repo, { pr: 43, baseSha, headSha, inputs: { 'upload-sarif': 'false' } });
        expect(quick.pull(43).reviewComments).toHaveLength(10);
        process.stdout.write(`10-finding PR without upload-sarif: ${quick.requests.length} requests, action ran ${run2.ms} ms\n`);
      } finally {
        await quick.close();
      }
    } finally {
      await gh.close();
    }
  }, 300_000);
});

describe('a pull request that edits the values of a Flux HelmRelease and of an Argo CD Application', () => {
  const chart = {
    'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
    'charts/web/values.yaml': 'privileged: false\n',
    'charts/web/templates/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      securityContext:\n        privileged: {{ .Values.privileged }}\n'
  };
  const release = (name: string, privileged: string) =>
    `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\n  namespace: apps\nspec:\n  interval: 10m\n  chart:\n    spec:\n      chart: ./charts/web\n      sourceRef: { kind: GitRepository, name: flux-system, namespace: flux-system }\n  values:\n    privileged: ${privileged}\n`;
  const application = (name: string, privileged: string) =>
    `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://github.com/acme/gitops\n    targetRevision: HEAD\n    path: charts/web\n    helm:\n      valuesObject:\n        privileged: ${privileged}\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: web\n`;

  test('one review comment on each edited values line, a failing check; the untouched declarations are not rendered', async () => {
    const repo = gitRepo({
      '.gitops-gate.yaml': 'rules:\n  only: [pss-privileged]\nrepositoryURLs: [https://github.com/acme/gitops]\n',
      ...chart,
      'flux/web.yaml': release('web', 'false'),
      'flux/db.yaml': release('db', 'false'),
      'argocd/web.yaml': application('web', 'false'),
      'argocd/db.yaml': application('db', 'false')
    });
    const baseSha = git(repo, 'rev-parse', 'HEAD');
    writeTree(repo, { 'flux/web.yaml': release('web', 'true'), 'argocd/web.yaml': application('web', 'true') });
    const headSha = commitAll(repo, 'privileged web');
    const gh = await startLoopbackGitHub({
      repository: { owner: OWNER, name: NAME },
      pullRequests: [{ number: 50, base: { ref: 'main', sha: baseSha }, head: { ref: 'web', sha: headSha }, files: filesFromGitDiff(repo, baseSha, headSha) }]
    });
    try {
      const run = await runAction(gh, repo, { pr: 50, baseSha, headSha, inputs: { 'upload-sarif': 'false' } });
      expect(run.status).toBe(1);
      const comments = gh.pull(50).reviewComments.map((c) => [c.path, c.line, c.body.includes('`pss-privileged`')]);
      expect(comments.sort()).toEqual([
        ['argocd/web.yaml', 14, true],
        ['flux/web.yaml', 13, true]
      ]);
      expect(gh.violations).toEqual([]);
      // The same change through the pipeline: only the edited declarations are rendered and reported.
      const result = await import('../../src/run.js').then(({ run: scan }) => scan({ root: repo, base: baseSha }));
      // The folders holding the edited files are checked too (declaration rules read the HelmRelease and Application).
      expect(result.targets.map((t) => t.id).sort()).toEqual(['argocd:argocd/web', 'flux:apps/web', 'manifests:argocd', 'manifests:flux']);
    } finally {
      await gh.close();
    }
  }, 300_000);
});
