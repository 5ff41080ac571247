/**
 * Entry point of the GitHub Action. The order matters:
 * inputs -> run() -> SARIF file + job summary (before any network call, so findings are never lost)
 * -> review comments and SARIF upload (network, bounded in time) -> annotations where comments were not posted
 * -> outputs -> verdict. Reporting problems never change the verdict unless `fail-on-report-error: true`.
 *
 * Nothing the repository wrote can speak to the runner: what the action prints is either one of its own workflow
 * commands (annotations, notices, warnings, the verdict), every part escaped, or a block framed by
 * `::stop-commands::<random token>` (the text report, reporting lines), in which the runner obeys no command.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { EOL } from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { restoreChartCache, saveChartCache } from './action/chart-cache.js';
import { readInputs } from './action/inputs.js';
import { ensureCommit } from './changes/git.js';
import { publish, type PublishOutcome } from './github/publish.js';
import { hasUncheckedChange } from './policy/coverage.js';
import { buildAnnotations, workflowCommand, type CommandProperties } from './report/annotations.js';
import { describeCoverage } from './report/common.js';
import { frameLogBlock } from './report/log-text.js';
import { escapeMarkdown } from './report/markdown.js';
import { reportsFor } from './report/outputs.js';
import { createProgress, progressIntervalMs } from './report/progress.js';
import { run } from './run.js';
import { packageVersion } from './util/package-root.js';

function print(text: string): void {
  process.stdout.write(`${text}${EOL}`);
}

/** One of our commands; message and properties escaped. */
function command(name: 'error' | 'warning' | 'notice' | 'debug', message: string, properties: CommandProperties = []): void {
  print(workflowCommand(name, properties, message));
}

/** Plain text, inside a stop-commands frame. */
function info(text: string): void {
  print(frameLogBlock(text));
}

function fail(message: string): void {
  process.exitCode = 1;
  command('error', message);
}

async function main(): Promise<void> {
  try {
    const startedAt = new Date();
    const inputs = readInputs();
    if (inputs.request.base && !(await ensureCommit(path.resolve(inputs.request.root), inputs.request.base))) {
      command(
        'warning',
        `The base commit ${inputs.request.base} is not in the clone and could not be fetched: set \`fetch-depth: 0\` on actions/checkout (or keep its default \`persist-credentials: true\` so the base commit can be fetched with the token).`
      );
    }
    // Progress lines go through the framed log like any other text: a target id cannot speak to the runner.
    const progress = createProgress({ live: false, intervalMs: progressIntervalMs(process.env), write: (line) => info(line) });
    const cacheDir = inputs.request.cacheDir;
    const cacheLog = { info, warning: (m: string) => command('warning', m) };
    const restored = inputs.chartCache && cacheDir ? await restoreChartCache(cacheDir, cacheLog) : undefined;
    let result;
    try {
      result = await run({ ...inputs.request, onProgress: progress.onProgress });
    } finally {
      progress.stop();
    }
    if (inputs.chartCache && cacheDir) await saveChartCache(cacheDir, result.remoteCharts, restored, cacheLog);
    const reports = reportsFor(result, { color: false, toolVersion: packageVersion(), category: inputs.category });

    // The SARIF file and the summary come first: whatever happens later, the findings are not lost.
    const sarifJson = JSON.stringify(reports.sarif(), null, 2) + '\n';
    mkdirSync(path.dirname(path.resolve(inputs.sarifFile)), { recursive: true });
    writeFileSync(inputs.sarifFile, sarifJson);
    const summary = reports.summary({ serverUrl: inputs.serverUrl, repository: inputs.repository, headSha: inputs.headSha });
    await core.summary.addRaw(summary).write();

    let outcome: PublishOutcome;
    try {
      outcome = await publish({
        inputs,
        result,
        reports,
        sarifJson,
        startedAt,
        log: { info, warning: (m) => command('warning', m), debug: (m) => command('debug', m) }
      });
    } catch (err) {
      outcome = { annotate: true, errors: [`reporting to GitHub failed: ${err instanceof Error ? err.message : String(err)}`], lines: [] };
    }
    if (outcome.lines.length > 0) info(outcome.lines.join('\n'));
    for (const error of outcome.errors) command('warning', `gitops-gate report: ${error}`);
    if (outcome.lines.length > 0) {
      await core.summary.addRaw(`\n**Reporting:**\n\n${outcome.lines.map((l) => `- ${escapeMarkdown(l)}`).join('\n')}\n`).write();
    }

    if (inputs.annotations && outcome.annotate) {
      // Most severe first, at most 10 per level (the runner's per-step cap).
      for (const a of buildAnnotations(result.findings.filter((f) => f.status === 'new'))) {
        command(a.level, a.message, [
          ['title', a.title],
          ['file', a.file],
          ['line', a.line],
          ['col', a.col]
        ]);
      }
    }
    for (const note of result.notes) command('notice', note);
    info(reports.text());

    const newCount = result.findings.filter((f) => f.status === 'new').length;
    core.setOutput('findings', result.findings.length);
    core.setOutput('new-findings', newCount);
    core.setOutput('blocking', result.blocking.length);
    core.setOutput('unchecked', result.coverage.unchecked + result.coverage.uncheckedFiles);
    core.setOutput('sarif-file', inputs.sarifFile);
    core.setOutput('sarif-id', outcome.sarif?.sarifId ?? '');
    core.setOutput('review-id', outcome.review?.reviewId !== undefined ? String(outcome.review.reviewId) : '');
    core.setOutput('comments-posted', outcome.review?.commentsPosted ?? 0);
    if (result.blocking.length > 0) {
      const count = result.blocking.length;
      const byProfile = result.blocking.some((f) => f.failOn !== undefined) ? ' (or a profile\'s threshold)' : '';
      fail(`${count} new finding${count === 1 ? '' : 's'} at or above ${result.settings.failOn} severity${byProfile} ${count === 1 ? 'blocks' : 'block'} this change.`);
    } else if (inputs.failOnReportError && outcome.errors.length > 0) {
      fail(`gitops-gate could not report to GitHub (fail-on-report-error is true): ${outcome.errors.join('; ')}`);
    } else if (hasUncheckedChange(result.findings)) {
      command('warning', `Nothing blocks, but not everything this change brings could be checked: ${describeCoverage(result.coverage).join(' ')}`);
    }
  } catch (err) {
    fail(`gitops-gate: ${err instanceof Error ? err.message : String(err)}`);
  }
}

await main();
