/**
 * fluxcd/pkg chartutil/values_test.go `TestChartValuesFromReferences`, ported case for case (Apache-2.0, The Flux
 * authors; the cases, inputs and expected values as upstream, Go maps written as JSON). Prints `N passed, N failed`.
 */
import { describe, expect, test } from '@jest/globals';
import { toJS } from '../../src/render/gotemplate/index.js';
import { chartValuesFromReferences, type ValuesReference, type ValuesResource } from '../../src/render/flux-values.js';
import { readValuesText } from '../../src/render/helm/yamlgo.js';

interface Case {
  name: string;
  resources?: { kind: 'ConfigMap' | 'Secret'; name: string; data: Record<string, string> | null }[];
  references: ValuesReference[];
  values?: string;
  want?: unknown;
  wantErr?: boolean;
}

const cm = (name: string, data: Record<string, string> | null) => ({ kind: 'ConfigMap' as const, name, data });
const secret = (name: string, data: Record<string, string> | null) => ({ kind: 'Secret' as const, name, data });

const CASES: Case[] = [
  {
    name: 'merges',
    resources: [cm('values', { 'values.yaml': 'flat: value\nnested:\n  configuration: value\n' }), secret('values', { 'values.yaml': 'flat:\n  nested: value\nnested: value\n' })],
    references: [{ kind: 'ConfigMap', name: 'values' }, { kind: 'Secret', name: 'values' }],
    values: '\nother: values\n',
    want: { flat: { nested: 'value' }, nested: 'value', other: 'values' }
  },
  {
    name: 'with target path',
    resources: [secret('values', { single: 'value' })],
    references: [{ kind: 'Secret', name: 'values', valuesKey: 'single', targetPath: 'merge.at.specific.path' }],
    want: { merge: { at: { specific: { path: 'value' } } } }
  },
  {
    name: 'target path precedence over all',
    resources: [cm('values', { 'values.yaml': 'flat: value\nnested:\n  configuration:\n  - one\n  - two\n  - three\n' }), secret('values', { key: 'value' })],
    references: [{ kind: 'Secret', name: 'values', valuesKey: 'key', targetPath: 'nested.configuration[0]' }, { kind: 'ConfigMap', name: 'values' }],
    values: '\nnested:\n  configuration:\n  - list\n  - item\n  - option\n',
    want: { flat: 'value', nested: { configuration: ['value', 'item', 'option'] } }
  },
  {
    name: 'target path for string type array item',
    resources: [cm('values', { 'values.yaml': 'flat: value\nnested:\n  configuration:\n  - list\n  - item\n  - option\n' }), secret('values', { 'values.yaml': 'foo' })],
    references: [{ kind: 'ConfigMap', name: 'values' }, { kind: 'Secret', name: 'values', targetPath: 'nested.configuration[1]' }],
    values: '\nother: values\n',
    want: { flat: 'value', nested: { configuration: ['list', 'foo', 'option'] }, other: 'values' }
  },
  { name: 'values reference to non existing secret', references: [{ kind: 'Secret', name: 'missing' }], wantErr: true },
  { name: 'optional values reference to non existing secret', references: [{ kind: 'Secret', name: 'missing', optional: true }], want: {} },
  { name: 'values reference to non existing config map', references: [{ kind: 'ConfigMap', name: 'missing' }], wantErr: true },
  { name: 'optional values reference to non existing config map', references: [{ kind: 'ConfigMap', name: 'missing', optional: true }], want: {} },
  { name: 'missing secret key', resources: [secret('values', null)], references: [{ kind: 'Secret', name: 'values', valuesKey: 'nonexisting' }], wantErr: true },
  { name: 'missing config map key', resources: [cm('values', null)], references: [{ kind: 'ConfigMap', name: 'values', valuesKey: 'nonexisting' }], wantErr: true },
  { name: 'unsupported values reference kind', references: [{ kind: 'Unsupported', name: '' }], wantErr: true },
  { name: 'invalid values', resources: [cm('values', { 'values.yaml': '\ninvalid' })], references: [{ kind: 'ConfigMap', name: 'values' }], wantErr: true },
  {
    name: 'non-literal target path mangles value with commas',
    resources: [cm('values', { 'application.yml': 'endpoints: [a,b,c]' })],
    references: [{ kind: 'ConfigMap', name: 'values', valuesKey: 'application.yml', targetPath: 'externalConfig.application\\.yml.content' }],
    wantErr: true
  },
  {
    name: 'literal target path preserves helm-set metacharacters',
    resources: [cm('values', { 'application.yml': 'server:\n  port: 8080\nmanagement:\n  endpoints:\n    web:\n      exposure:\n        include: [ "prometheus", "health" ]\n' })],
    references: [{ kind: 'ConfigMap', name: 'values', valuesKey: 'application.yml', targetPath: 'externalConfig.application\\.yml.content', literal: true }],
    want: { externalConfig: { 'application.yml': { content: 'server:\n  port: 8080\nmanagement:\n  endpoints:\n    web:\n      exposure:\n        include: [ "prometheus", "health" ]\n' } } }
  },
  {
    name: 'literal target path preserves multi-line HOCON with equals and braces',
    resources: [secret('values', { 'application.conf': 'kafka {\n  bootstrap = "b-1:9098,b-2:9098"\n  group = "my.service"\n}\n' })],
    references: [{ kind: 'Secret', name: 'values', valuesKey: 'application.conf', targetPath: 'externalConfig.application\\.conf.content', literal: true }],
    want: { externalConfig: { 'application.conf': { content: 'kafka {\n  bootstrap = "b-1:9098,b-2:9098"\n  group = "my.service"\n}\n' } } }
  },
  {
    name: 'literal flag without targetPath is ignored (root YAML merge)',
    resources: [cm('values', { 'values.yaml': 'flat: value\n' })],
    references: [{ kind: 'ConfigMap', name: 'values', literal: true }],
    want: { flat: 'value' }
  },
  {
    name: 'flux2#2625 non-literal: comma-separated brokers fail to merge',
    resources: [secret('kafka', { brokers: 'kafka01.net:9092,kafka02.net:9092,kafka03.net:9092' })],
    references: [{ kind: 'Secret', name: 'kafka', valuesKey: 'brokers', targetPath: 'kafka.brokers' }],
    wantErr: true
  },
  {
    name: 'flux2#2625 literal: comma-separated brokers preserved verbatim',
    resources: [secret('kafka', { brokers: 'kafka01.net:9092,kafka02.net:9092,kafka03.net:9092' })],
    references: [{ kind: 'Secret', name: 'kafka', valuesKey: 'brokers', targetPath: 'kafka.brokers', literal: true }],
    want: { kafka: { brokers: 'kafka01.net:9092,kafka02.net:9092,kafka03.net:9092' } }
  }
];

function evaluate(c: Case): { value?: unknown; error?: string } {
  const lookup = (kind: 'ConfigMap' | 'Secret', name: string): ValuesResource | undefined => {
    const r = (c.resources ?? []).find((x) => x.kind === kind && x.name === name);
    return r && { data: r.data ?? {} };
  };
  try {
    return { value: toJS(chartValuesFromReferences(lookup, c.values ? readValuesText(c.values) : undefined, c.references)) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

describe('fluxcd/pkg chartutil ChartValuesFromReferences', () => {
  let passed = 0;
  let failed = 0;
  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const got = evaluate(c);
    const ok = c.wantErr ? got.error !== undefined : got.error === undefined && canonical(got.value) === canonical(c.want);
    if (ok) passed++;
    else failed++;
    if (c.wantErr) expect(got.error).toBeDefined();
    else expect(got).toEqual({ value: c.want });
  });
  afterAllLog(() => `flux-values: ${passed} passed, ${failed} failed`);
});

/** JSON with sorted keys: Go maps have no order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v));
}

function afterAllLog(message: () => string): void {
  // Printed once the cases ran, as the other conformance harnesses print their counts.
  test('summary', () => {
    console.log(message());
    expect(message()).toMatch(/passed/);
  });
}
