/**
 * `npm run bench`: prints JSON figures.
 * scan: a generated stream of workload objects through parse + source map + every built-in rule (with each
 * finding located), against parsing the same bytes with the `yaml` library alone.
 * helm: real-world charts through the built-in renderer, against parsing the rendered bytes with `yaml`.
 * helmDocuments: one template that renders many documents, through the renderer and the scan's provenance
 * mapping (each object's fields located), at two sizes: the per-document cost must not grow with the count.
 * repoScan: the built command line on a generated repository of many charts: wall time and peak memory of the
 * scan's process tree (bench/repo-scan.ts).
 * remoteCharts: an umbrella chart with three remote dependencies against loopback servers, cold and warm cache:
 * wall time and requests made (bench/remote-charts.ts).
 * declarations: a home-ops layout of Flux Kustomizations and HelmReleases, a whole scan against a pull request
 * that edits one release (bench/declarations.ts).
 * Every section also reports the bench process's own peak resident memory so far (peakRssMb).
 */
import { parseAllDocuments } from 'yaml';
import { checkObject, checkSet } from '../src/analyze/engine.js';
import { objectsFromYaml } from '../src/objects/manifests.js';
import { defaultSettings } from '../src/settings/config.js';
import { activeRules } from '../src/policy/scopes.js';
import { loadBuiltinRules } from '../src/rules/load.js';
import { networkStream, workloadStream } from './workloads.js';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { objectsFromRenderedTemplate, type ProvenanceContext } from '../src/objects/helm-provenance.js';
import { parseYaml } from '../src/objects/yaml-source.js';
import { renderChart } from '../src/render/helm/index.js';
import { RepoFiles } from '../src/repo/files.js';
import { benchRepoScan } from './repo-scan.js';
import { benchRemoteCharts } from './remote-charts.js';
import { benchDeclarations } from './declarations.js';

const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
/** The Helm renders are short: more rounds, so the figure is of warm code as in a scan of many charts. */
const HELM_ROUNDS = Number(process.env.BENCH_HELM_ROUNDS ?? 5);
/** Objects per file: a repository holds many files, not one giant stream. */
const PER_FILE = 100;

/** The fastest of `rounds` runs (the first ones warm the JIT and the caches). */
function best(fn: () => void, rounds = ROUNDS): number {
  let min = Infinity;
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    fn();
    min = Math.min(min, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return min;
}

function benchScan() {
  const files: string[] = [];
  for (let i = 0; i < OBJECTS; i += PER_FILE) files.push(workloadStream(Math.min(PER_FILE, OBJECTS - i), i));
  const settings = defaultSettings('.');
  const rules = activeRules(loadBuiltinRules(), settings);
  let findings = 0;
  let objects = 0;
  const parseMs = best(() => {
    for (const text of files) for (const doc of parseAllDocuments(text) as ReturnType<typeof parseAllDocuments> & unknown[]) doc.toJS();
  });
  const scanMs = best(() => {
    objects = 0;
    findings = 0;
    files.forEach((text, i) => {
      const parsed = objectsFromYaml(text, `bench/workloads-${i}.yaml`, 'manifests:bench');
      objects += parsed.objects.length;
      for (const object of parsed.objects) findings += checkObject(object, rules, { pss: settings.pss, kubeMinor: 35 }).length;
    });
  });
  // The same stream with each file's namespaces given NetworkPolicies and Services (one set per file, as a target
  // renders one): every rule per object, then, measured against that, the relation analyzers over each set too.
  const networked = files.map((text, i) => `${text}---\n${networkStream(Math.min(PER_FILE, OBJECTS - i * PER_FILE), i * PER_FILE)}`);
  const parsedSets = networked.map((text, i) => objectsFromYaml(text, `bench/networked-${i}.yaml`, 'manifests:bench').objects);
  let relationFindings = 0;
  // Interleaved, each the fastest of its rounds: measured one block after the other, the second block runs on a
  // larger heap and pays for the first one's garbage.
  let perObjectMs = Infinity;
  let withRelationsMs = Infinity;
  for (let round = 0; round < ROUNDS + 1; round++) {
    perObjectMs = Math.min(
      perObjectMs,
      best(() => {
        for (const set of parsedSets) for (const object of set) checkObject(object, rules, { pss: settings.pss, kubeMinor: 35 });
      }, 1)
    );
    withRelationsMs = Math.min(
      withRelationsMs,
      best(() => {
        relationFindings = 0;
        for (const set of parsedSets) {
          for (const object of set) checkObject(object, rules, { pss: settings.pss, kubeMinor: 35 });
          for (const found of checkSet(set, rules).values()) relationFindings += found.length;
        }
      }, 1)
    );
  }
  return {
    objects,
    files: files.length,
    bytes: files.reduce((n, text) => n + Buffer.byteLength(text), 0),
    rules: rules.length,
    findings,
    yamlParseMs: Math.round(parseMs),
    scanMs: Math.round(scanMs),
    objectsPerSecond: Math.round(objects / (scanMs / 1000)),
    ratioScanToYamlParse: Number((scanMs / parseMs).toFixed(2)),
    relations: {
      objects: parsedSets.reduce((n, set) => n + set.length, 0),
      findings: relationFindings,
      checkMs: Math.round(perObjectMs),
      withAnalyzersMs: Math.round(withRelationsMs),
      ratioWithAnalyzersToWithout: Number((withRelationsMs / perObjectMs).toFixed(2))
    }
  };
}

/**
 * helm: the 32 opentelemetry-helm-charts examples of ../shared/conformance/helm-real-world rendered with the
 * built-in renderer (values merge, templates, provenance), against parsing the rendered bytes with `yaml`.
 */
function benchHelm() {
  const root = path.resolve('..', 'shared', 'conformance', 'helm-real-world');
  const recipes = JSON.parse(readFileSync(path.join(root, 'recipes.json'), 'utf8')) as Record<string, { cases: { chart: string; example: string; helm_argv_per_values_file: string[][] }[] }>;
  const jobs: { repo: RepoFiles; chart: string; values: string[] }[] = [];
  let examples = 0;
  for (const [dir, recipe] of Object.entries(recipes)) {
    const repo = new RepoFiles(path.join(root, dir));
    for (const c of recipe.cases) {
      examples++;
      for (const argv of c.helm_argv_per_values_file) {
        const values = argv.flatMap((a, i) => (argv[i - 1] === '--values' || argv[i - 1] === '-f' ? [a] : []));
        jobs.push({ repo, chart: argv[3], values });
      }
    }
  }
  let objects = 0;
  let rendered: string[] = [];
  const renderMs = best(() => {
    objects = 0;
    rendered = [];
    for (const job of jobs) {
      const out = renderChart(job.repo, job.chart, { releaseName: 'example', namespace: 'default', valuesFiles: job.values, kubeVersion: '1.29' });
      for (const m of out.manifests) {
        rendered.push(m.content);
        objects += (m.content.match(/^kind:/gm) ?? []).length;
      }
    }
  }, HELM_ROUNDS);
  const parseMs = best(() => {
    for (const text of rendered) for (const doc of parseAllDocuments(text) as ReturnType<typeof parseAllDocuments> & unknown[]) doc.toJS();
  }, HELM_ROUNDS);
  return {
    examples,
    renders: jobs.length,
    objects,
    renderedBytes: rendered.reduce((n, t) => n + Buffer.byteLength(t), 0),
    renderMs: Math.round(renderMs),
    msPerExample: Number((renderMs / examples).toFixed(2)),
    msPerObject: Number((renderMs / objects).toFixed(3)),
    yamlParseMs: Math.round(parseMs),
    ratioRenderToYamlParse: Number((renderMs / parseMs).toFixed(2))
  };
}

const HELM_DOCUMENTS = Number(process.env.BENCH_HELM_DOCUMENTS ?? 20_000);

/** A chart folder whose one template renders `count` ConfigMaps, each with a field from the values. */
function documentsChart(count: number): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'bench-helm-docs-'));
  mkdirSync(path.join(root, 'chart', 'templates'), { recursive: true });
  writeFileSync(path.join(root, 'chart', 'Chart.yaml'), 'apiVersion: v2\nname: many\nversion: 0.1.0\n');
  writeFileSync(path.join(root, 'chart', 'values.yaml'), 'region: eu-west-1\nlevel: info\n');
  writeFileSync(
    path.join(root, 'chart', 'templates', 'many.yaml'),
    `{{- range until ${count} }}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{{ . }}\n  labels:\n    app: many\ndata:\n  region: {{ $.Values.region | quote }}\n  level: {{ $.Values.level }}\n{{- end }}\n`
  );
  return root;
}

/** Renders the chart and maps every object's fields through provenance, as a scan does for its findings. */
function renderAndLocate(root: string): { documents: number; renderMs: number; provenanceMs: number } {
  const repo = new RepoFiles(root);
  const start = process.hrtime.bigint();
  const out = renderChart(repo, 'chart', { releaseName: 'bench', namespace: 'default' });
  const rendered = process.hrtime.bigint();
  const valuesSources = parseYaml(repo.readText('chart/values.yaml'), 'chart/values.yaml').documents.map((d) => ({ file: 'chart/values.yaml', sourceMap: d.sourceMap }));
  const ctx: ProvenanceContext = {
    target: 'helm:chart',
    templateFile: (source) => (source.startsWith('many/') ? `chart/${source.slice('many/'.length)}` : undefined),
    values: { region: 'eu-west-1', level: 'info' },
    valuesSources,
    fallback: { file: 'chart/Chart.yaml', line: 1 }
  };
  let documents = 0;
  for (const m of out.manifests) {
    const { objects } = objectsFromRenderedTemplate({ source: m.source, content: m.content, segments: m.provenance }, ctx);
    for (const object of objects) {
      documents++;
      for (const field of [['metadata', 'name'], ['metadata', 'labels', 'app'], ['data', 'region'], ['data', 'level']]) object.sourceMap.locate(field);
    }
  }
  const located = process.hrtime.bigint();
  return { documents, renderMs: Number(rendered - start) / 1e6, provenanceMs: Number(located - rendered) / 1e6 };
}

/**
 * helmDocuments: HELM_DOCUMENTS documents from one template, rendered and located; the same at a tenth of the
 * size, so `ratioPerDocumentLargeToSmall` shows whether the cost per document grows with the count (1 = linear).
 */
function benchHelmDocuments() {
  const fastest = (count: number, warmUp = false) => {
    const root = documentsChart(count);
    try {
      let min: ReturnType<typeof renderAndLocate> | undefined;
      if (warmUp) renderAndLocate(root);
      for (let i = 0; i < ROUNDS; i++) {
        const r = renderAndLocate(root);
        if (!min || r.renderMs + r.provenanceMs < min.renderMs + min.provenanceMs) min = r;
      }
      return min!;
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };
  const small = fastest(Math.max(1, Math.round(HELM_DOCUMENTS / 10)), true);
  const large = fastest(HELM_DOCUMENTS);
  const perDocument = (r: ReturnType<typeof renderAndLocate>) => (r.renderMs + r.provenanceMs) / r.documents;
  return {
    documents: large.documents,
    renderMs: Math.round(large.renderMs),
    provenanceMs: Math.round(large.provenanceMs),
    totalMs: Math.round(large.renderMs + large.provenanceMs),
    msPerDocument: Number(perDocument(large).toFixed(3)),
    smallDocuments: small.documents,
    smallMsPerDocument: Number(perDocument(small).toFixed(3)),
    ratioPerDocumentLargeToSmall: Number((perDocument(large) / perDocument(small)).toFixed(2))
  };
}

/** A section's figures with the bench process's peak resident memory so far. */
function withPeak<T extends object>(figures: T): T & { peakRssMb: number } {
  return { ...figures, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
}

const only = process.env.BENCH_ONLY;
const figures = {
  node: process.version,
  rounds: { scan: ROUNDS, helm: HELM_ROUNDS },
  ...(!only || only === 'repoScan' ? { repoScan: await benchRepoScan() } : {}),
  ...(!only || only === 'helm' ? { helm: withPeak(benchHelm()) } : {}),
  ...(!only || only === 'helmDocuments' ? { helmDocuments: withPeak(benchHelmDocuments()) } : {}),
  ...(!only || only === 'scan' ? { scan: withPeak(benchScan()) } : {}),
  ...(!only || only === 'remoteCharts' ? { remoteCharts: withPeak(await benchRemoteCharts()) } : {}),
  ...(!only || only === 'declarations' ? { declarations: withPeak(await benchDeclarations()) } : {})
};
console.log(JSON.stringify(figures, null, 2));
