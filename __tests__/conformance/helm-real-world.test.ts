/**
 * Real-world charts (open-telemetry/opentelemetry-helm-charts, recipes.json): each example is rendered with
 * the exact argv upstream uses (`helm template example charts/<chart> --namespace default --values ...
 * --kube-version 1.29 --output-dir <out>`), laid out as upstream's Makefile does (templates/* moved into
 * rendered/, subchart templates into rendered/<subchart>/), normalised with the recipe's perl expression and
 * compared with the committed rendered/ files, ignoring lines that match 'checksum/config' or 'helm.sh/chart'.
 */
import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTemplate } from '../../src/cli/template.js';

const ROOT = path.resolve('..', 'shared', 'conformance', 'helm-real-world');
const known: Record<string, string> = JSON.parse(
  fs.readFileSync(path.resolve('__tests__', 'conformance', 'known-failures', 'helm-real-world.json'), 'utf8')
);

interface Case {
  chart: string;
  example: string;
  helm_argv_per_values_file: string[][];
  expected_dir: string;
  expected_files: string[];
}

const recipes = JSON.parse(fs.readFileSync(path.join(ROOT, 'recipes.json'), 'utf8')) as Record<string, { cases: Case[] }>;

function normalize(s: string): string {
  return s.replace(/[ \t\n]+(?=\n---\n)/g, '').replace(/[ \t\n]+$/, '\n');
}

function significant(s: string): string {
  return normalize(s)
    .split('\n')
    .filter((l) => !/checksum\/config/.test(l) && !/helm\.sh\/chart/.test(l))
    .join('\n');
}

function walk(dir: string, base = ''): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const rel = base ? `${base}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...walk(path.join(dir, e.name), rel));
    else out.push(rel);
  }
  return out;
}

/** Upstream layout: <out>/<chart>/templates/X -> X; <out>/<chart>/charts/<sub>/templates/X -> <sub>/X. */
function layout(out: string, chart: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const rel of walk(path.join(out, chart))) {
    const text = fs.readFileSync(path.join(out, chart, rel), 'utf8');
    let m: RegExpExecArray | null;
    if (rel.startsWith('templates/')) files.set(rel.slice('templates/'.length), text);
    else if ((m = /^charts\/([^/]+)\/templates\/(.+)$/.exec(rel))) files.set(`${m[1]}/${m[2]}`, text);
    else files.set(rel, text);
  }
  return files;
}

describe('helm template on real-world charts', () => {
  test('opentelemetry-helm-charts examples', () => {
    const results: { id: string; ok: boolean; detail: string }[] = [];
    for (const [repoDir, recipe] of Object.entries(recipes)) {
      const cwd = path.join(ROOT, repoDir);
      for (const c of recipe.cases) {
        const id = `${c.chart}/${c.example}`;
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'helm-rw-'));
        let detail = '';
        try {
          for (const argv of c.helm_argv_per_values_file) {
            let err = '';
            const code = runTemplate(argv.slice(2).map((a) => (a === '<out>' ? tmp : a)), { cwd, stdout: () => undefined, stderr: (s) => { err += s; } });
            if (code !== 0) detail ||= `exit ${code}: ${err.trim().slice(0, 400)}`;
          }
          if (!detail) {
            const got = layout(tmp, c.chart);
            const expectedDir = path.join(cwd, c.expected_dir);
            const want = walk(expectedDir);
            const problems: string[] = [];
            for (const f of want) {
              const g = got.get(f);
              if (g === undefined) {
                problems.push(`missing ${f}`);
                continue;
              }
              const w = fs.readFileSync(path.join(expectedDir, f), 'utf8');
              if (significant(g) !== significant(w)) {
                const gl = significant(g).split('\n');
                const wl = significant(w).split('\n');
                let i = 0;
                while (i < gl.length && i < wl.length && gl[i] === wl[i]) i++;
                problems.push(`${f} line ${i + 1}: got ${JSON.stringify(gl[i])}, want ${JSON.stringify(wl[i])}`);
              }
            }
            for (const f of got.keys()) if (!want.includes(f)) problems.push(`unexpected ${f}`);
            detail = problems.join('; ');
          }
        } finally {
          fs.rmSync(tmp, { recursive: true, force: true });
        }
        results.push({ id, ok: detail === '', detail });
      }
    }
    const passed = results.filter((r) => r.ok).length;
    console.log(`helm-real-world: ${passed} passed, ${results.length - passed} failed`);
    for (const r of results) if (!r.ok) console.log(`${r.id}: ${r.detail.slice(0, 600)}`);
    const unexpected = results.filter((r) => !r.ok && !(r.id in known)).map((r) => `${r.id}: ${r.detail}`);
    const fixed = results.filter((r) => r.ok && r.id in known).map((r) => r.id);
    expect(unexpected).toEqual([]);
    expect(fixed).toEqual([]);
  });
});
