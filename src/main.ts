/**
 * Entry point of the GitHub Action. The order matters:
 * inputs -> run() -> SARIF file + job summary (before any network call, so findings are never lost)
 * -> review comments and SARIF upload (network, bounded in time) -> annotations where comments were not posted
 * -> outputs -> verdict. Reporting problems never change the verdict unless `fail-on-report-error: true`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import { readInputs } from './action/inputs.js';
import { ensureCommit } from './changes/git.js';
import { publish, type PublishOutcome } from './github/publish.js';
import { buildAnnotations } from './report/annotations.js';
import { escapeMarkdown } from './report/markdown.js';
import { reportsFor } from './report/outputs.js';
import { run } from './run.js';
import { packageVersion } from './util/package-root.js';

async function main(): Promise<void> {
  try {
    const startedAt = new Date();
    const inputs = readInputs();
    if (inputs.request.base && !(await ensureCommit(path.resolve(inputs.request.root), inputs.request.base))) {
      core.warning(
        `The base commit ${inputs.request.base} is not in the clone and could not be fetched: set \`fetch-depth: 0\` on actions/checkout (or keep its default \`persist-credentials: true\` so the base commit can be fetched with the token).`
      );
    }
    const result = await run(inputs.request);
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
        log: { info: (m) => core.info(m), warning: (m) => core.warning(m), debug: (m) => core.debug(m) }
      });
    } catch (err) {
      outcome = { annotate: true, errors: [`reporting to GitHub failed: ${err instanceof Error ? err.message : String(err)}`], lines: [] };
    }
    for (const line of outcome.lines) core.info(line);
    for (const error of outcome.errors) core.warning(`gitops-gate report: ${error}`);
    if (outcome.lines.length > 0) {
      await core.summary.addRaw(`\n**Reporting:**\n\n${outcome.lines.map((l) => `- ${escapeMarkdown(l)}`).join('\n')}\n`).write();
    }

    if (inputs.annotations && outcome.annotate) {
      // Most severe first, at most 10 per level (the runner's per-step cap).
      for (const a of buildAnnotations(result.findings.filter((f) => f.status === 'new'))) {
        const props = { file: a.file, startLine: a.line, ...(a.col ? { startColumn: a.col } : {}), title: a.title };
        if (a.level === 'error') core.error(a.message, props);
        else if (a.level === 'warning') core.warning(a.message, props);
        else core.notice(a.message, props);
      }
    }
    for (const note of result.notes) core.notice(note);
    core.info(reports.text());

    const newCount = result.findings.filter((f) => f.status === 'new').length;
    core.setOutput('findings', result.findings.length);
    core.setOutput('new-findings', newCount);
    core.setOutput('blocking', result.blocking.length);
    core.setOutput('sarif-file', inputs.sarifFile);
    core.setOutput('sarif-id', outcome.sarif?.sarifId ?? '');
    core.setOutput('review-id', outcome.review?.reviewId !== undefined ? String(outcome.review.reviewId) : '');
    core.setOutput('comments-posted', outcome.review?.commentsPosted ?? 0);
    if (result.blocking.length > 0) {
      const count = result.blocking.length;
      core.setFailed(`${count} new finding${count === 1 ? '' : 's'} at or above ${result.settings.failOn} severity ${count === 1 ? 'blocks' : 'block'} this change.`);
    } else if (inputs.failOnReportError && outcome.errors.length > 0) {
      core.setFailed(`gitops-gate could not report to GitHub (fail-on-report-error is true): ${outcome.errors.join('; ')}`);
    }
  } catch (err) {
    core.setFailed(`gitops-gate: ${err instanceof Error ? err.message : String(err)}`);
  }
}

await main();
