/** Entry point of the GitHub Action: inputs -> run() -> SARIF file, job summary, annotations, outputs, verdict. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import { readInputs } from './action/inputs.js';
import { ensureCommit } from './changes/git.js';
import { buildAnnotations } from './report/annotations.js';
import { reportsFor } from './report/outputs.js';
import { run } from './run.js';
import { packageVersion } from './util/package-root.js';

async function main(): Promise<void> {
  try {
    const inputs = readInputs();
    if (inputs.request.base && !(await ensureCommit(path.resolve(inputs.request.root), inputs.request.base))) {
      core.warning(`The base commit ${inputs.request.base} is not in the clone and could not be fetched; set \`fetch-depth: 0\` on actions/checkout.`);
    }
    const result = await run(inputs.request);
    const reports = reportsFor(result, { color: false, toolVersion: packageVersion() });

    // The SARIF file and the summary come first: whatever happens later, the findings are not lost.
    mkdirSync(path.dirname(path.resolve(inputs.sarifFile)), { recursive: true });
    writeFileSync(inputs.sarifFile, JSON.stringify(reports.sarif(), null, 2) + '\n');
    await core.summary.addRaw(reports.summary({ serverUrl: inputs.serverUrl, repository: inputs.repository, headSha: inputs.headSha })).write();

    if (inputs.annotations) {
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
    if (result.blocking.length > 0) {
      const count = result.blocking.length;
      core.setFailed(`${count} new finding${count === 1 ? '' : 's'} at or above ${result.settings.failOn} severity ${count === 1 ? 'blocks' : 'block'} this change.`);
    }
  } catch (err) {
    core.setFailed(`gitops-gate: ${err instanceof Error ? err.message : String(err)}`);
  }
}

await main();
