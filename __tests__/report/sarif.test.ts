import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type * as sarif from 'sarif';
import { DIAGNOSTIC_RULES } from '../../src/report/diagnostic-rules.js';
import { artifactUri, buildSarif, FINGERPRINT_KEY, pascalCase, SARIF_LIMITS, securitySeverityString, type SarifInput } from '../../src/report/sarif.js';
import { finding, manyFindings, RULES, ruleMeta, sampleFindings } from '../helpers/report-fixtures.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

let validator: ValidateFunction | undefined;
function validate(log: sarif.Log): void {
  if (!validator) {
    const schema = JSON.parse(readFileSync(path.resolve('..', 'shared', 'schemas', 'sarif-schema-2.1.0.json'), 'utf8')) as Record<string, unknown>;
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    validator = ajv.compile(schema);
  }
  // Validate what is written to disk: the JSON round trip.
  const ok = validator(JSON.parse(JSON.stringify(log)));
  expect(validator.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
}

function build(overrides: Partial<SarifInput> = {}): sarif.Log {
  return buildSarif({ findings: sampleFindings(), rules: RULES, toolVersion: '1.2.3', baseScanned: true, ...overrides });
}

function run(log: sarif.Log): sarif.Run {
  return log.runs[0];
}

describe('buildSarif', () => {
  it('produces SARIF 2.1.0 valid against the schema', () => {
    const log = build({ repoRoot: '/home/runner/work/repo/repo', category: 'gitops-gate/prod' });
    validate(log);
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
  });

  it('checks against a schema that does reject invalid logs', () => {
    const log = JSON.parse(JSON.stringify(build())) as sarif.Log;
    delete (log.runs[0].results?.[0] as Partial<sarif.Result>).message;
    (log.runs[0].results?.[1].locations?.[0].physicalLocation?.region as sarif.Region).startLine = 0;
    validate(build());
    expect(validator?.(log)).toBe(false);
    expect(validator?.errors?.length).toBeGreaterThanOrEqual(2);
  });

  it('is valid with no findings and no base', () => {
    const log = build({ findings: [], baseScanned: false });
    validate(log);
    expect(run(log).results).toEqual([]);
    // Enabled rules are described even without results.
    expect(run(log).tool.driver.rules?.map((r) => r.id)).toEqual(RULES.map((r) => r.id).sort());
  });

  it('describes the tool and the run', () => {
    const r = run(build());
    expect(r.tool.driver).toMatchObject({ name: 'gitops-gate', semanticVersion: '1.2.3', informationUri: 'https://github.com/gitops-gate/gitops-gate' });
    expect(r.automationDetails?.id).toBe('gitops-gate/');
    expect(run(build({ category: 'prod' })).automationDetails?.id).toBe('prod/');
    expect(r.invocations?.[0].executionSuccessful).toBe(true);
    expect(r.invocations?.[0].toolExecutionNotifications).toBeUndefined();
    expect(r.originalUriBaseIds?.['%SRCROOT%']).toBeDefined();
    expect(run(build({ repoRoot: '/work/repo' })).originalUriBaseIds?.['%SRCROOT%'].uri).toBe('file:///work/repo/');
  });

  it('describes rules: used ones and every enabled one, with help, tags and security-severity', () => {
    const r = run(build());
    const rules = r.tool.driver.rules ?? [];
    const ids = rules.map((x) => x.id);
    expect(ids).toEqual([...ids].sort());
    // Enabled, used, unused and the diagnostic rules that results use; not unused diagnostic rules.
    expect(ids).toEqual(expect.arrayContaining(['pss-privileged', 'host-network', 'invalid-yaml', 'path-outside-repository']));
    expect(ids).not.toContain('render-timeout');

    const priv = rules.find((x) => x.id === 'pss-privileged');
    expect(priv).toMatchObject({
      name: 'PssPrivileged',
      shortDescription: { text: 'Privileged containers' },
      fullDescription: { text: 'Privileged containers have nearly all the capabilities of the host.' },
      helpUri: 'https://github.com/gitops-gate/gitops-gate/blob/main/docs/rules.md#pss-privileged',
      defaultConfiguration: { level: 'error' },
      properties: { 'security-severity': '9.0', precision: 'high', 'problem.severity': 'error' }
    });
    expect(priv?.properties?.tags).toEqual(['security', 'pss:baseline', 'pss:privileged']);
    expect(priv?.help?.text).toContain('Remove `securityContext.privileged`');
    expect(priv?.help?.text).toContain('CIS Kubernetes Benchmark: 5.2.1');
    expect(priv?.help?.markdown).toContain('docs/rules.md#pss-privileged');
    expect(priv?.help?.markdown).toContain('Pod Security Standards (baseline)');

    const levels = Object.fromEntries(rules.map((x) => [x.id, x.defaultConfiguration?.level]));
    expect(levels).toMatchObject({ 'run-as-non-root': 'error', 'image-latest-tag': 'warning', 'missing-resource-limits': 'note', 'invalid-yaml': 'error' });
    // 'security' is always a tag, even when the rule has none.
    expect(rules.find((x) => x.id === 'missing-resource-limits')?.properties?.tags).toEqual(['security']);
    const diag = rules.find((x) => x.id === 'path-outside-repository');
    expect(diag?.properties?.['security-severity']).toBe('7.5');
    expect(diag?.properties?.tags).toContain('security');
    for (const rule of rules) {
      expect(rule.properties?.['security-severity']).toMatch(/^\d+\.\d$/);
      expect(rule.shortDescription?.text).not.toBe('');
      expect(rule.help?.text).not.toBe('');
    }
  });

  it('maps findings to results with locations, fingerprints, related locations and baseline state', () => {
    const r = run(build());
    const results = r.results ?? [];
    expect(results).toHaveLength(6);
    const rules = r.tool.driver.rules ?? [];
    for (const res of results) {
      expect(rules[res.ruleIndex as number].id).toBe(res.ruleId);
      expect(res.locations).toHaveLength(1);
      expect(res.locations?.[0].physicalLocation?.artifactLocation?.uriBaseId).toBe('%SRCROOT%');
      expect(Object.keys(res.partialFingerprints ?? {})).toEqual([FINGERPRINT_KEY]);
    }
    const priv = results.find((x) => x.ruleId === 'pss-privileged');
    expect(priv).toMatchObject({
      level: 'error',
      message: { text: expect.stringContaining('runs privileged') },
      baselineState: 'new',
      properties: { status: 'new', target: 'helm:charts/api', objectPath: 'spec.template.spec.containers[0].securityContext.privileged' }
    });
    expect(priv?.locations?.[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'charts/api/values.yaml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 12, startColumn: 5 }
    });
    expect(priv?.relatedLocations).toEqual([
      {
        id: 1,
        message: { text: 'template' },
        physicalLocation: { artifactLocation: { uri: 'charts/api/templates/deployment.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 30, startColumn: 11 } }
      },
      { id: 2, message: { text: 'values' }, physicalLocation: { artifactLocation: { uri: 'charts/api/values.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 12 } } }
    ]);
    const root = results.find((x) => x.ruleId === 'run-as-non-root');
    expect(root?.baselineState).toBe('unchanged');
    expect(root?.locations?.[0].physicalLocation?.region).toEqual({ startLine: 28, startColumn: 9, endLine: 28, endColumn: 25 });
    expect(results.find((x) => x.ruleId === 'missing-resource-limits')?.level).toBe('note');
    expect(results.find((x) => x.ruleId === 'image-latest-tag')?.locations?.[0].physicalLocation?.artifactLocation?.uri).toBe('overlays/prod/patch%20image.yaml');

    // Input problems carry no object.
    const yaml = results.find((x) => x.ruleId === 'invalid-yaml');
    expect(yaml?.properties).toEqual({ status: 'new' });
    expect(yaml?.level).toBe('warning');
  });

  it('leaves out baselineState without a base', () => {
    for (const res of run(build({ baseScanned: false })).results ?? []) expect(res.baselineState).toBeUndefined();
  });

  it('sorts results by file, line and rule, whatever the input order', () => {
    const forward = build();
    const backward = build({ findings: sampleFindings().reverse() });
    const key = (r: sarif.Result) => `${r.locations?.[0].physicalLocation?.artifactLocation?.uri}:${r.locations?.[0].physicalLocation?.region?.startLine}`;
    expect((run(backward).results ?? []).map(key)).toEqual((run(forward).results ?? []).map(key));
    expect((run(forward).results ?? []).map(key)).toEqual([
      'charts/api/templates/deployment.yaml:28',
      'charts/api/values.yaml:12',
      'deploy/broken.yaml:14',
      'deploy/rbac.yaml:3',
      'overlays/prod/kustomization.yaml:1',
      'overlays/prod/patch%20image.yaml:7'
    ]);
  });

  it('keeps unknown rule ids valid with a placeholder descriptor, and clamps bad lines', () => {
    const log = build({ findings: [finding({ ruleId: 'custom-thing', severity: 'low', location: { file: './a\\b.yaml', line: 0 } })] });
    validate(log);
    const res = run(log).results?.[0];
    expect(res?.locations?.[0].physicalLocation).toEqual({ artifactLocation: { uri: 'a/b.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 1 } });
    const rule = run(log).tool.driver.rules?.find((r) => r.id === 'custom-thing');
    expect(rule?.properties?.['security-severity']).toBe('3.0');
  });

  it('makes absolute paths under repoRoot relative and encodes URIs', () => {
    expect(artifactUri('/repo/charts/a.yaml', '/repo')).toBe('charts/a.yaml');
    expect(artifactUri('charts/100% [x]#.yaml')).toBe('charts/100%25%20%5Bx%5D%23.yaml');
    expect(artifactUri('charts/ünï.yaml')).toBe('charts/%C3%BCn%C3%AF.yaml');
  });

  it('makes every uri an RFC 3986 relative reference: no scheme, every segment encoded, no dot segments', () => {
    const cases: [string, string][] = [
      ['c:/x.yaml', 'c%3A/x.yaml'],
      ['::add-mask::secret.yaml', '%3A%3Aadd-mask%3A%3Asecret.yaml'],
      ['http://example.com/a.yaml', 'http%3A/example.com/a.yaml'],
      ['apps/a:b/c.yaml', 'apps/a%3Ab/c.yaml'],
      ['100%/%2e%2e/x.yaml', '100%25/%252e%252e/x.yaml'],
      ['my dir/a file.yaml', 'my%20dir/a%20file.yaml'],
      ['a#b?c.yaml', 'a%23b%3Fc.yaml'],
      ['日本/ünï 🚀.yaml', '%E6%97%A5%E6%9C%AC/%C3%BCn%C3%AF%20%F0%9F%9A%80.yaml'],
      ['./a//./b/../c.yaml', 'a/c.yaml'],
      ['../../outside.yaml', 'outside.yaml'],
      ['//host/share.yaml', 'host/share.yaml'],
      ["sub-delims/!$&'()*+,;=@.yaml", "sub-delims/!$&'()*+,;=@.yaml"]
    ];
    for (const [file, uri] of cases) {
      expect(artifactUri(file)).toBe(uri);
      // A relative reference: what a URL parser resolves under a base stays under it, segment for segment.
      const resolved = new URL(uri, 'file:///srcroot/');
      expect(resolved.href.startsWith('file:///srcroot/')).toBe(true);
      expect(resolved.pathname.slice('/srcroot/'.length)).toBe(uri);
      const segments = uri.split('/');
      expect(segments.every((s) => s !== '' && s !== '.' && s !== '..')).toBe(true);
      expect(segments[0]).not.toContain(':');
      expect(uri).toMatch(/^([A-Za-z0-9\-._~!$&'()*+,;=@/]|%[0-9A-F]{2})*$/);
    }
    // Decoding gives the name back.
    expect(decodeURIComponent(artifactUri('日本/a:b 100%#.yaml'))).toBe('日本/a:b 100%#.yaml');
  });

  it('stays valid against the schema with hostile file names', () => {
    const names = ['c:/x.yaml', '::add-mask::secret.yaml', 'a b/%41#?.yaml', 'ünï/日本.yaml', '../x.yaml', 'a\u0000b\u001b.yaml'];
    const log = build({ findings: names.map((file, i) => finding({ location: { file, line: i + 1 }, related: [{ file, line: 1, label: 'values' }] })) });
    validate(log);
    const uris = (run(log).results ?? []).map((r) => r.locations?.[0].physicalLocation?.artifactLocation?.uri);
    expect(uris.sort()).toEqual(['%3A%3Aadd-mask%3A%3Asecret.yaml', '%C3%BCn%C3%AF/%E6%97%A5%E6%9C%AC.yaml', 'a%00b%1B.yaml', 'a%20b/%2541%23%3F.yaml', 'c%3A/x.yaml', 'x.yaml']);
  });

  it('formats helpers', () => {
    expect(pascalCase('pss-privileged')).toBe('PssPrivileged');
    expect(pascalCase('no_host.path')).toBe('NoHostPath');
    expect(securitySeverityString(8)).toBe('8.0');
    expect(securitySeverityString(9.25)).toBe('9.3');
    expect(securitySeverityString(0)).toBe('0.1');
    expect(securitySeverityString(42)).toBe('10.0');
  });

  it('caps tags at 20 and long descriptions at 1024 characters', () => {
    const rule = ruleMeta({ id: 'many-tags', tags: Array.from({ length: 30 }, (_, i) => `t${i}`), title: 'x'.repeat(2000), rationale: 'y'.repeat(5000) });
    const log = build({ findings: [], rules: [rule] });
    validate(log);
    const d = run(log).tool.driver.rules?.[0];
    expect(d?.properties?.tags).toHaveLength(SARIF_LIMITS.maxTags);
    expect(d?.properties?.tags?.[0]).toBe('security');
    expect(d?.shortDescription?.text.length).toBe(1024);
    expect(d?.fullDescription?.text.length).toBe(1024);
  });

  it('trims results over the limit, keeping the most severe, with a notification', () => {
    const findings = manyFindings(40);
    const log = build({ findings, limits: { maxResults: 25, shownResults: 10 } });
    validate(log);
    const r = run(log);
    expect(r.results).toHaveLength(25);
    // 10 of each severity; the 25 kept are all critical, all high and 5 medium.
    const bySeverity = (r.results ?? []).reduce<Record<string, number>>((acc, x) => ({ ...acc, [x.ruleId as string]: (acc[x.ruleId as string] ?? 0) + 1 }), {});
    expect(bySeverity).toEqual({ 'pss-privileged': 10, 'run-as-non-root': 10, 'image-latest-tag': 5 });
    const notes = r.invocations?.[0].toolExecutionNotifications ?? [];
    expect(notes.map((n) => n.descriptor?.id)).toEqual(['results-trimmed', 'results-over-display-limit']);
    expect(notes[0].level).toBe('warning');
    expect(notes[0].message.text).toContain('15 of 40 results were left out');
    expect(r.invocations?.[0].executionSuccessful).toBe(true);
  });

  it('applies GitHub’s real limit of 25,000 results', () => {
    const log = build({ findings: manyFindings(SARIF_LIMITS.maxResults + 3) });
    expect(run(log).results).toHaveLength(25_000);
    expect(run(log).invocations?.[0].toolExecutionNotifications?.[0].message.text).toContain('3 of 25003 results were left out');
  });

  it('trims rules without results first when there are too many rules', () => {
    const extra = Array.from({ length: 10 }, (_, i) => ruleMeta({ id: `extra-${i}` }));
    const log = build({ rules: [...RULES, ...extra], limits: { maxRules: 8 } });
    validate(log);
    const r = run(log);
    const ids = (r.tool.driver.rules ?? []).map((x) => x.id);
    expect(ids).toHaveLength(8);
    // Every rule a result uses is still there, and ruleIndex points to it.
    for (const res of r.results ?? []) expect(ids[res.ruleIndex as number]).toBe(res.ruleId);
    expect(r.invocations?.[0].toolExecutionNotifications?.[0].descriptor?.id).toBe('rules-trimmed');
  });

  it('describes every diagnostic rule validly', () => {
    const findings = DIAGNOSTIC_RULES.map((d, i) =>
      finding({ ruleId: d.id, severity: d.severity, object: undefined, target: undefined, path: [], message: `file-${i}.yaml: problem`, location: { file: `file-${i}.yaml`, line: 1 } })
    );
    const log = build({ findings, rules: [] });
    validate(log);
    const rules = run(log).tool.driver.rules ?? [];
    expect(rules.map((r) => r.id).sort()).toEqual(DIAGNOSTIC_RULES.map((d) => d.id).sort());
    for (const d of DIAGNOSTIC_RULES) {
      expect(d.category).toBe(d.id.startsWith('admission-policy-') ? 'admission' : 'input');
      expect(d.rationale.length).toBeGreaterThan(20);
      expect(d.remediation.length).toBeGreaterThan(5);
    }
    expect(DIAGNOSTIC_RULES.find((d) => d.id === 'remote-resource')?.severity).toBe('high');
  });
});

describe('reportsFor', () => {
  it('builds every report from a run result, with configured severities', async () => {
    const { reportsFor } = await import('../../src/report/outputs.js');
    type Result = Parameters<typeof reportsFor>[0];
    const findings = sampleFindings();
    const result = {
      settings: {
        root: '/work/repo',
        failOn: 'high',
        pss: { level: 'restricted' },
        rules: { disable: ['host-network'], severity: { 'image-latest-tag': 'high', 'invalid-yaml': 'low' }, custom: [] },
        configSource: ''
      },
      rules: RULES,
      findings,
      blocking: findings.filter((f) => f.status === 'new' && (f.severity === 'high' || f.severity === 'critical')),
      targets: [{ id: 'helm:charts/api', kind: 'helm', path: 'charts/api', rendered: true, objects: 4 }],
      baseScanned: true,
      notes: ['Policy file .gitops-gate.yaml is edited in this pull request.'],
      remoteCharts: [],
      declarations: []
    } as unknown as Result;
    const reports = reportsFor(result, { toolVersion: '9.9.9' });
    const log = reports.sarif();
    validate(log);
    const rules = log.runs[0].tool.driver.rules ?? [];
    expect(rules.map((r) => r.id)).not.toContain('host-network');
    const latest = rules.find((r) => r.id === 'image-latest-tag');
    expect(latest?.defaultConfiguration?.level).toBe('error');
    expect(latest?.properties?.['security-severity']).toBe('8.0');
    expect(rules.find((r) => r.id === 'invalid-yaml')?.defaultConfiguration?.level).toBe('note');
    expect(log.runs[0].originalUriBaseIds?.['%SRCROOT%'].uri).toBe('file:///work/repo/');
    expect(reports.text()).toContain('✖ 2 blocking findings (new, at or above high)');
    expect(JSON.parse(reports.json()).summary.objects).toBe(4);
    const md = reports.summary({ serverUrl: 'https://github.com', repository: 'a/b', headSha: 'c' });
    expect(md).toContain('- Policy file .gitops-gate.yaml is edited in this pull request.');
    expect(md).toContain('](https://github.com/a/b/blob/c/charts/api/values.yaml#L12)');
  });
});
