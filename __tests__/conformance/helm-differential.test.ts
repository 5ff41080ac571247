/**
 * Real Helm as the oracle: every chart under ../shared/conformance (the helm/helm test charts, each TestTemplateCmd
 * command line, the opentelemetry examples), the project's example chart with each of its values files, and the
 * generated edge cases (helpers/helm-edge-charts.ts) are rendered by the released Helm binary
 * (helpers/real-helm.ts) and by `gitops-gate template`. A case passes when both fail, or when both print the same
 * objects (source and parsed YAML, in order) byte for byte. Differences not yet fixed are listed with their reason
 * in known-failures/helm-differential.json, a list that only shrinks.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type CaseResult, type DiffCase, compare, runOurs, runReal } from '../helpers/helm-differential.js';
import { edgeCases } from '../helpers/helm-edge-charts.js';
import { realHelm } from '../helpers/real-helm.js';
import { removeDir, tempDir } from '../helpers/temp-repo.js';

const SHARED = path.resolve('..', 'shared', 'conformance');
const known: Record<string, string> = JSON.parse(fs.readFileSync(path.resolve('__tests__', 'conformance', 'known-failures', 'helm-differential.json'), 'utf8'));

function sharedCases(): DiffCase[] {
  const cases: DiffCase[] = [];
  const cmd = path.join(SHARED, 'helm', 'pkg', 'cmd');
  for (const c of JSON.parse(fs.readFileSync(path.join(SHARED, 'helm', 'template_cases.json'), 'utf8')).cases as { name: string; argv: string[] }[]) {
    cases.push({ id: `helm TestTemplateCmd: ${c.name}`, cwd: cmd, args: c.argv.slice(2) });
  }
  const charts = path.join(cmd, 'testdata', 'testcharts');
  for (const name of fs.readdirSync(charts).sort()) {
    const rel = `testdata/testcharts/${name}`;
    const chartYaml = path.join(charts, name, 'Chart.yaml');
    const requirements = path.join(charts, name, 'requirements.yaml');
    const deps = [chartYaml, requirements].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    const local = [...deps.matchAll(/repository:\s*"?file:\/\/([^"\s]+)/g)].map((m) => m[1]);
    const vendored = fs.existsSync(path.join(charts, name, 'charts'));
    cases.push({
      id: `helm test chart: ${name}`,
      cwd: cmd,
      args: [rel],
      ...(local.length > 0 && !vendored ? { dependencyBuild: { copy: [rel, ...local.map((l) => path.posix.join(rel, l))], chart: rel } } : {})
    });
  }
  const otel = path.join(SHARED, 'helm-real-world', 'opentelemetry-helm-charts');
  const recipes = JSON.parse(fs.readFileSync(path.join(SHARED, 'helm-real-world', 'recipes.json'), 'utf8'));
  for (const c of recipes['opentelemetry-helm-charts'].cases as { chart: string; example: string; helm_argv_per_values_file: string[][] }[]) {
    for (const [i, argv] of c.helm_argv_per_values_file.entries()) {
      const args = argv.slice(2);
      args.splice(args.indexOf('--output-dir'), 2);
      cases.push({ id: `opentelemetry ${c.chart}/${c.example}${i > 0 ? ` #${i + 1}` : ''}`, cwd: otel, args });
    }
  }
  const root = path.resolve('.');
  for (const values of ['', 'values-prod.yaml', 'values-staging.yaml']) {
    cases.push({ id: `example chart api ${values || 'defaults'}`, cwd: root, args: ['examples/charts/api', ...(values ? ['-f', `examples/charts/api/${values}`] : [])] });
  }
  return cases;
}

let oursMs = 0;

/** Runs real Helm for every case, a few at a time, while the gate renders in this process. */
async function runAll(helm: string, cases: DiffCase[], home: string): Promise<CaseResult[]> {
  const real = new Array<Promise<Awaited<ReturnType<typeof runReal>>>>(cases.length);
  let next = 0;
  const lanes = Array.from({ length: 3 }, async () => {
    while (next < cases.length) {
      const i = next++;
      const p = runReal(helm, cases[i], home);
      real[i] = p;
      await p;
    }
  });
  const results: CaseResult[] = [];
  for (let i = 0; i < cases.length; i++) {
    const t0 = Date.now();
    const ours = runOurs(cases[i]);
    oursMs += Date.now() - t0;
    // let the Helm processes' output flow between renders
    await new Promise((resolve) => setImmediate(resolve));
    while (real[i] === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
    results.push(compare(cases[i], ours, await real[i]));
  }
  await Promise.all(lanes);
  return results;
}

describe('differential rendering against real Helm', () => {
  const helm = realHelm();
  const scratch = tempDir('gg-helm-diff-');
  afterAll(() => removeDir(scratch));

  const run = 'path' in helm ? test : test.skip;
  if ('skip' in helm) console.log(helm.skip);

  run('shared conformance charts, the example chart and generated edge cases', async () => {
    if (!('path' in helm)) return;
    const edges = path.join(scratch, 'edges');
    fs.mkdirSync(edges);
    const cases = [...sharedCases(), ...edgeCases(edges)];
    const started = Date.now();
    const results = await runAll(helm.path, cases, path.join(scratch, 'home'));
    const passed = results.filter((r) => r.ok && !r.detail.startsWith('same objects')).length;
    const rendered = results.filter((r) => r.rendered);
    const objects = rendered.reduce((n, r) => n + r.objects, 0);
    const objectsEqual = rendered.reduce((n, r) => n + r.objectsEqual, 0);
    const bothFailed = results.filter((r) => r.errorTextEqual !== undefined);
    console.log(
      [
        `real Helm and the gate on ${cases.length} cases in ${((Date.now() - started) / 1000).toFixed(1)} s (the gate's renders ${(oursMs / 1000).toFixed(1)} s):`,
        `${rendered.length} rendered by both, ${objectsEqual} of ${objects} objects the same, ${rendered.filter((r) => r.bytesEqual).length} outputs byte for byte;`,
        `${bothFailed.length} failed in both, ${bothFailed.filter((r) => r.errorTextEqual).length} with the same error text`
      ].join('\n')
    );
    for (const r of results) if (!r.ok || r.detail.startsWith('same objects')) console.log(`${r.id}: ${r.detail.slice(0, 600)}`);
    for (const r of bothFailed) if (!r.errorTextEqual) console.log(`(both failed) ${r.id}: ${r.detail.slice(0, 400)}`);
    const failed = results.filter((r) => !r.ok || r.detail.startsWith('same objects'));
    console.log(`helm-differential: ${passed} passed, ${failed.length} failed`);
    const unexpected = failed.filter((r) => !(r.id in known)).map((r) => `${r.id}: ${r.detail}`);
    const fixed = results.filter((r) => r.ok && !r.detail.startsWith('same objects') && r.id in known).map((r) => r.id);
    expect(unexpected).toEqual([]);
    expect(fixed).toEqual([]);
    expect(cases.length).toBeGreaterThan(200);
  });
});
