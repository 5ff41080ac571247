import { describe, expect, it } from '@jest/globals';
import { encodePath, escapeMarkdown, inlineCode, markdownLink } from '../../src/report/markdown.js';
import { buildSummary, DEFAULT_SUMMARY_MAX_BYTES, SUMMARY_LIMIT_BYTES, type SummaryInput } from '../../src/report/summary.js';
import { finding, manyFindings, RULES, sampleFindings } from '../helpers/report-fixtures.js';

const TARGETS = [
  { id: 'helm:charts/api', objects: 5, kind: 'helm' },
  { id: 'kustomize:overlays/prod', objects: 12, kind: 'kustomize', rendered: false }
];

function summary(overrides: Partial<SummaryInput> = {}): string {
  return buildSummary({ findings: sampleFindings(), rules: RULES, baseScanned: true, failOn: 'high', blocking: 2, targets: TARGETS, ...overrides });
}

/** Unescaped pipes in a table row: the cell separators. */
function separators(row: string): number {
  return (row.match(/(?<!\\)\|/g) ?? []).length;
}

/** Raw HTML tags in the text, except inside code spans and the ones the summary writes itself. */
function foreignHtml(markdown: string): string[] {
  const withoutCode = markdown.replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '');
  return (withoutCode.match(/<\/?[A-Za-z][^>]*>/g) ?? []).filter((tag) => !/^<\/?(details|summary|br)>$/.test(tag));
}

const HOSTILE = 'ping @octocat and @org/team, <script>alert(1)</script> <img src=x onerror=alert(1)> a | b ``` `code` #123 **bold** [x](https://evil) &amp;';

describe('escapeMarkdown / inlineCode', () => {
  it('neutralises mentions, references, HTML, tables and emphasis', () => {
    const out = escapeMarkdown(HOSTILE);
    expect(out).not.toMatch(/@[A-Za-z0-9]/);
    expect(out).toContain('@\u200Doctocat');
    expect(out).not.toMatch(/#\d/);
    expect(out).not.toMatch(/[<>]/);
    expect(out).toContain('&lt;script&gt;');
    expect(out).toContain('&amp;amp;');
    expect(separators(out)).toBe(0);
    expect(out).not.toMatch(/(?<!\\)[`*[\]]/);
  });

  it('escapes block markers at the start of a line only', () => {
    expect(escapeMarkdown('# title - a.b 1. x')).toBe('\\# title - a.b 1. x');
    expect(escapeMarkdown('- item\n  1. one\n=== ', { keepNewlines: true })).toBe('\\- item\n  1\\. one\n\\=== ');
    expect(escapeMarkdown('~~strike~~ $x$ ![img]')).toBe('\\~\\~strike\\~\\~ \\$x\\$ \\!\\[img\\]');
  });

  it('turns line breaks into spaces and drops control characters, unless asked to keep lines', () => {
    expect(escapeMarkdown('a\nb\r\nc\u0000d\u202Ee')).toBe('a b cde');
    expect(escapeMarkdown('a\nb', { keepNewlines: true })).toBe('a\nb');
  });

  it('wraps code in a fence longer than any backtick run inside', () => {
    expect(inlineCode('abc')).toBe('`abc`');
    expect(inlineCode('a`b')).toBe('``a`b``');
    expect(inlineCode('``x')).toBe('``` ``x ```');
    expect(inlineCode('a|b', { inTable: true })).toBe('`a\\|b`');
    expect(inlineCode('a|b')).toBe('`a|b`');
    expect(inlineCode('')).toBe('');
    expect(inlineCode('x\ny')).toBe('`x y`');
  });

  it('encodes paths and links', () => {
    expect(encodePath('a b/(c)#.yaml')).toBe('a%20b/%28c%29%23.yaml');
    expect(markdownLink('a:1', 'https://x/y z(1)')).toBe('[a:1](https://x/y%20z%281%29)');
  });
});

describe('buildSummary', () => {
  it('states the verdict, the gate and counts by severity, new and existing', () => {
    const out = summary();
    expect(out.startsWith('## ✖ gitops-gate: 2 blocking findings\n')).toBe(true);
    expect(out).toContain('The gate fails on findings that are new, at or above high.');
    expect(out).toContain('| Severity | New | Existing | Total |');
    expect(out).toContain('| 🟣 Critical | 1 | 0 | 1 |');
    expect(out).toContain('| 🔴 High | 1 | 1 | 2 |');
    expect(out).toContain('| 🟡 Low | 0 | 1 | 1 |');
    expect(out).toContain('| **Total** | **4** | **2** | **6** |');
    expect(foreignHtml(out)).toEqual([]);
  });

  it('lists new findings in a table, most severe first, and folds existing ones away', () => {
    const out = summary();
    const newSection = out.slice(out.indexOf('### New findings (4)'), out.indexOf('<details><summary>Existing findings (2)'));
    const rows = newSection.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Severity') && !l.startsWith('| :--'));
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatch(/^\| 🟣 Critical \| `pss-privileged`<br>Privileged containers \| Deployment payments\/api \| charts\/api\/values\.yaml:12 \|/);
    expect(rows[1]).toContain('`path-outside-repository`<br>Path leaves the repository');
    expect(rows[1]).toContain('| — |'); // input problems have no object
    for (const row of rows) expect(separators(row)).toBe(6);
    const existing = out.slice(out.indexOf('<details><summary>Existing findings (2)'));
    expect(existing).toContain('`run-as-non-root`');
    expect(existing).toContain('</details>');
  });

  it('links locations to the head commit when it knows the repository', () => {
    const out = summary({ serverUrl: 'https://github.com/', repository: 'acme/gitops', headSha: 'abc123' });
    expect(out).toContain('[charts/api/values.yaml:12](https://github.com/acme/gitops/blob/abc123/charts/api/values.yaml#L12)');
    expect(out).toContain('(https://github.com/acme/gitops/blob/abc123/overlays/prod/patch%20image.yaml#L7)');
    expect(summary({ serverUrl: 'https://github.com', repository: '', headSha: 'abc' })).not.toContain('](https://');
  });

  it('lists the targets scanned', () => {
    const out = summary();
    expect(out).toContain('<details><summary>Targets scanned: 2 targets, 17 objects</summary>');
    expect(out).toContain('| helm:charts/api | helm | 5 |');
    expect(out).toContain('| kustomize:overlays/prod | kustomize | not rendered |');
  });

  it('says when nothing blocks, when there is no base, and when there are no findings', () => {
    const clean = summary({ findings: [], blocking: 0 });
    expect(clean.startsWith('## ✔ gitops-gate: no blocking findings\n')).toBe(true);
    expect(clean).toContain('No findings.');
    expect(clean).not.toContain('### New findings');
    const noBase = summary({ baseScanned: false, findings: sampleFindings().map((f) => ({ ...f, status: 'new' as const })) });
    expect(noBase).toContain('No base revision was scanned, so every finding counts as new.');
    expect(noBase).toContain('| Severity | Findings |');
    expect(noBase).not.toContain('Existing findings');
    expect(summary({ failOn: 'none', blocking: 0 })).toContain('The gate is off');
  });

  it('escapes everything that comes from the repository', () => {
    const hostile = finding({
      ruleId: 'evil|rule`x`',
      message: HOSTILE,
      object: { apiVersion: 'v1', kind: 'ConfigMap', name: '@admins|<b>x</b>', namespace: 'ns`' },
      location: { file: 'dir|x/<script>@bob`.yaml', line: 3 }
    });
    for (const links of [{}, { serverUrl: 'https://github.com', repository: 'acme/gitops', headSha: 'abc' }]) {
      const out = summary({ findings: [hostile], targets: [{ id: '@team <i>t</i> | x', objects: 1 }], notes: ['policy file edited by @mallory <b>'], ...links });
      expect(out).not.toMatch(/@[A-Za-z0-9]/);
      expect(foreignHtml(out)).toEqual([]);
      const row = out.split('\n').find((l) => l.includes('evil'));
      expect(row).toBeDefined();
      expect(separators(row as string)).toBe(6);
      // The rule id is a code span whose fence is longer than the backticks inside.
      expect(row).toContain('`` evil\\|rule`x` ``');
      const targetRow = out.split('\n').find((l) => l.includes('&lt;i&gt;t'));
      expect(separators(targetRow as string)).toBe(5);
    }
  });

  it('stays under the 1 MiB limit by default, with a visible note', () => {
    const findings = [...manyFindings(6000, 'new'), ...manyFindings(3000, 'existing')].map((f, i) => ({ ...f, message: `${f.message} ${'x'.repeat(300)}`, fingerprint: `f${i}` }));
    const out = summary({ findings, blocking: 4500 });
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(DEFAULT_SUMMARY_MAX_BYTES);
    expect(DEFAULT_SUMMARY_MAX_BYTES).toBeLessThan(SUMMARY_LIMIT_BYTES);
    expect(out).toContain('> [!WARNING]\n> This summary was trimmed');
    expect(out).toMatch(/_Only \d+ of 6000 new findings are listed here/);
    // New findings come first: existing ones are dropped entirely before new ones are cut.
    expect(out).toContain('_Only 0 of 3000 existing findings are listed here');
    // The frame survives: counts, targets.
    expect(out).toContain('| **Total** | **6000** | **3000** | **9000** |');
    expect(out).toContain('Targets scanned');
    expect(out.trimEnd().endsWith('</details>')).toBe(true);
  });

  it('trims to a smaller budget too and keeps the most severe rows', () => {
    const out = summary({ findings: manyFindings(200), maxBytes: 20_000 });
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(20_000);
    const rows = out.split('\n').filter((l) => /^\| 🟣|^\| 🔴|^\| 🟠|^\| 🟡/.test(l) && l.includes('Finding number'));
    expect(rows.length).toBeGreaterThan(10);
    expect(rows[0].startsWith('| 🟣 Critical')).toBe(true);
    expect(out).toContain(`_Only ${rows.length} of 200 new findings are listed here`);
    const untrimmed = summary({ findings: manyFindings(3) });
    expect(untrimmed).not.toContain('trimmed');
  });
});

describe('objects a merge deletes', () => {
  const ref = (kind: string, name: string) => ({ apiVersion: 'v1', kind, name, namespace: 'apps' });

  it('warns above the fold when a pruning target stops rendering objects, and marks those rows', () => {
    const md = summary({
      targetDiffs: [
        { target: 'flux-ks:flux-system/apps', added: [], changed: [], removed: [ref('ConfigMap', 'settings'), ref('Service', 'web')], prunes: true },
        { target: 'kustomize:apps/dev', added: [], changed: [], removed: [ref('ConfigMap', 'old')] }
      ]
    });
    expect(md).toContain('> [!CAUTION]\n> 2 objects this change stops rendering will be **deleted from the cluster** when it merges');
    expect(md).toContain('| flux-ks:flux-system/apps | removed: **deleted from the cluster** | ConfigMap apps/settings |');
    expect(md).toContain('| kustomize:apps/dev | removed | ConfigMap apps/old |');
    expect(md.indexOf('[!CAUTION]')).toBeLessThan(md.indexOf('Rendered objects:'));
  });

  it('says nothing of deletions when no pruning target removes anything', () => {
    const md = summary({ targetDiffs: [{ target: 'kustomize:apps/dev', added: [], changed: [], removed: [ref('ConfigMap', 'old')] }] });
    expect(md).not.toContain('[!CAUTION]');
  });
});

describe('declarations in the summary', () => {
  it('lists every declaration with its state, the ones the change rendered first, and counts them in the coverage line', () => {
    const md = summary({
      declarations: [
        { kind: 'HelmRelease', name: 'echo', namespace: 'default', location: { file: 'apps/echo.yaml', line: 3 }, targets: [], status: 'not-affected' },
        { kind: 'HelmRelease', name: 'web', namespace: 'default', location: { file: 'apps/web.yaml', line: 1 }, targets: ['flux:default/web'], status: 'checked' },
        { kind: 'Application', name: 'api', namespace: 'argocd', location: { file: 'argocd/api.yaml', line: 2 }, targets: ['argocd:argocd/api'], status: 'not-checked' }
      ],
      coverage: { targets: 2, checked: 1, unchecked: 1, uncheckedFiles: 0, skipped: [], budgetExhausted: false, declarations: { checked: 1, 'not-checked': 1, 'not-affected': 1, 'not-rendered': 0 } }
    });
    expect(md).toContain('<details><summary>Declarations: 3 Flux or Argo CD declarations, 2 rendered</summary>');
    const rows = md.split('\n').filter((l) => /^\| (HelmRelease|Application) /.test(l));
    expect(rows).toEqual([
      '| Application argocd/api | argocd/api.yaml:2 | ✖ not checked (see findings) |',
      '| HelmRelease default/web | apps/web.yaml:1 | ✔ checked |',
      '| HelmRelease default/echo | apps/echo.yaml:3 | not affected by the change |'
    ]);
    expect(md).toContain('3 Flux or Argo CD declarations: 1 checked, 1 not checked (see findings), 1 not affected by the change.');
  });
});
