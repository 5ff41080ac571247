/**
 * Runs the TestTemplateCmd table of helm/helm (pkg/cmd/template_test.go, transcribed in
 * /work/shared/conformance/helm/template_cases.json) through `gitops-gate template`, in process, with the
 * working directory pkg/cmd. Success cases: stdout+stderr equal to the golden byte for byte. Error cases:
 * non-zero exit and the same text (the command's own name in place of "helm template").
 * The goldens were made by helm/helm main (e9b85e4) built for its tests: the renderer behaves as that build
 * (HELM_MAIN_TEST_BUILD: KubeVersion v1.20.0, main's API versions and its three behaviours after v4.1.4).
 * Cases marked `repeat` are run that many extra times and must give the same output every time.
 */
import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTemplate } from '../../src/cli/template.js';
import { HELM_MAIN_TEST_BUILD } from '../../src/render/helm/index.js';

const ROOT = path.resolve('..', 'shared', 'conformance', 'helm');
const CWD = path.join(ROOT, 'pkg', 'cmd');
const known: Record<string, string> = JSON.parse(
  fs.readFileSync(path.resolve('__tests__', 'conformance', 'known-failures', 'helm-template.json'), 'utf8')
);

interface Case {
  name: string;
  argv: string[];
  golden: string;
  want_error: boolean;
  repeat: number;
}

const cases: Case[] = JSON.parse(fs.readFileSync(path.join(ROOT, 'template_cases.json'), 'utf8')).cases;

function run(argv: string[]): { code: number; out: string } {
  let out = '';
  const code = runTemplate(argv.slice(2), { cwd: CWD, build: HELM_MAIN_TEST_BUILD, stdout: (s) => { out += s; }, stderr: (s) => { out += s; } });
  return { code, out };
}

const normalize = (s: string): string => s.replace(/gitops-gate template/g, 'helm template');

function firstDiff(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `at ${i}: got ${JSON.stringify(a.slice(Math.max(0, i - 40), i + 80))}, want ${JSON.stringify(b.slice(Math.max(0, i - 40), i + 80))}`;
}

describe('helm template conformance (helm/helm pkg/cmd TestTemplateCmd)', () => {
  test('all cases', () => {
    const results: { id: string; ok: boolean; detail: string }[] = [];
    for (const c of cases) {
      const golden = fs.readFileSync(path.join(ROOT, c.golden), 'utf8');
      let ok = true;
      let detail = '';
      for (let i = 0; i <= c.repeat && ok; i++) {
        const { code, out } = run(c.argv);
        if (c.want_error) {
          if (code === 0) {
            ok = false;
            detail = 'expected an error, got exit 0';
          } else if (normalize(out) !== golden) {
            ok = false;
            detail = firstDiff(normalize(out), golden);
          }
        } else if (code !== 0 || out !== golden) {
          ok = false;
          detail = `exit ${code}; ${firstDiff(out, golden)}`;
        }
      }
      results.push({ id: c.name, ok, detail });
    }
    const passed = results.filter((r) => r.ok).length;
    console.log(`helm-template: ${passed} passed, ${results.length - passed} failed`);
    const unexpected = results.filter((r) => !r.ok && !(r.id in known)).map((r) => `${r.id}: ${r.detail}`);
    const fixed = results.filter((r) => r.ok && r.id in known).map((r) => r.id);
    expect(unexpected).toEqual([]);
    expect(fixed).toEqual([]);
  });
});
