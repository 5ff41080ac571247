/** The Markdown of one review comment: content, escaping, markers and the suggestion block. */
import { describe, expect, test } from '@jest/globals';
import {
  buildReviewComment,
  fingerprintMarker,
  fixedCommentBody,
  isMarkedFixed,
  markersIn,
  MAX_COMMENT_CHARS,
  suggestLine
} from '../../src/report/review-comment.js';
import { loadBuiltinRules } from '../../src/rules/load.js';
import { finding, RULES } from '../helpers/report-fixtures.js';

/** The fixture rule with the fix hint the real rule file carries. */
const privileged = { ...RULES[0], fix: loadBuiltinRules().find((r) => r.id === 'pss-privileged')!.fix };
const PRIV_PATH = ['spec', 'template', 'spec', 'containers', 0, 'securityContext', 'privileged'];

describe('suggestLine', () => {
  const fix = { set: false };
  test('sets a block-mapping field, keeping indentation and a trailing comment', () => {
    expect(suggestLine('            privileged: true', { path: PRIV_PATH }, fix)).toBe('            privileged: false');
    expect(suggestLine('  privileged: True  # debug', { path: PRIV_PATH }, fix)).toBe('  privileged: false  # debug');
    expect(suggestLine('  - privileged: true', { path: PRIV_PATH }, fix)).toBe('  - privileged: false');
    expect(suggestLine('  "privileged": true', { path: PRIV_PATH }, fix)).toBe('  "privileged": false');
  });

  test('sets a field inside a one-line flow mapping', () => {
    expect(suggestLine('      securityContext: { privileged: true, runAsUser: 1000 }', { path: PRIV_PATH }, fix)).toBe(
      '      securityContext: { privileged: false, runAsUser: 1000 }'
    );
  });

  test('gives nothing when the line is not a plain scalar of that field', () => {
    expect(suggestLine('  privileged: {{ .Values.privileged }}', { path: PRIV_PATH }, fix)).toBeUndefined();
    expect(suggestLine('  privileged: "true"', { path: PRIV_PATH }, fix)).toBeUndefined();
    expect(suggestLine('  securityContext:', { path: PRIV_PATH }, fix)).toBeUndefined();
    expect(suggestLine('  notPrivileged: true', { path: PRIV_PATH }, fix)).toBeUndefined();
    expect(suggestLine('  privileged: false', { path: PRIV_PATH }, fix)).toBeUndefined();
    expect(suggestLine('  privileged: true', { path: ['spec', 'containers', 0] }, fix)).toBeUndefined();
    expect(suggestLine('  privileged: true', { path: PRIV_PATH }, undefined)).toBeUndefined();
  });

  test('respects the fix hint\'s field list and value type', () => {
    expect(suggestLine('  hostNetwork: true', { path: ['spec', 'hostNetwork'] }, { set: false, fields: ['hostNetwork', 'hostPID'] })).toBe('  hostNetwork: false');
    expect(suggestLine('  hostPort: 80', { path: ['spec', 'hostPort'] }, { set: false, fields: ['hostNetwork'] })).toBeUndefined();
    expect(suggestLine('  replicas: 1', { path: ['spec', 'replicas'] }, { set: 2 })).toBe('  replicas: 2');
    expect(suggestLine('  replicas: one', { path: ['spec', 'replicas'] }, { set: 2 })).toBeUndefined();
  });
});

describe('buildReviewComment', () => {
  test('says what, where, why, how, links the docs and carries the marker', () => {
    const f = finding({ path: PRIV_PATH, fingerprint: 'abc123' });
    const body = buildReviewComment({ findings: [f], rule: privileged, trustedRuleText: true, docsUrl: 'https://example.com/rules.md#pss-privileged', lineText: '  privileged: true' });
    expect(body).toContain('🟣 Critical');
    expect(body).toContain('`pss-privileged`');
    expect(body).toContain('Deployment payments/api');
    expect(body).toContain('`spec.template.spec.containers[0].securityContext.privileged`');
    expect(body).toContain('**Why it matters:** Privileged containers have nearly all the capabilities of the host.');
    expect(body).toContain('**How to fix:** Remove `securityContext.privileged` or set it to false.');
    expect(body).toContain('```suggestion\n  privileged: false\n```');
    expect(body).toContain('(https://example.com/rules.md#pss-privileged)');
    expect(markersIn(body)).toEqual(['abc123']);
  });

  test('the fix hint comes from the rule file; a rule without one gets no suggestion', () => {
    const f = finding({ path: PRIV_PATH });
    expect(privileged.fix).toEqual({ set: false, fields: ['privileged'] });
    expect(buildReviewComment({ findings: [f], rule: privileged, lineText: 'privileged: true' })).toContain('```suggestion');
    expect(buildReviewComment({ findings: [f], rule: RULES[0], lineText: 'privileged: true' })).not.toContain('```suggestion');
    const image = finding({ ruleId: 'image-tag-latest', path: ['spec', 'containers', 0, 'image'] });
    expect(buildReviewComment({ findings: [image], lineText: '  image: nginx:latest' })).not.toContain('suggestion');
  });

  test('escapes repository text: no mentions, no HTML, no Markdown structure', () => {
    const f = finding({
      message: 'Deployment <img src=x onerror=alert(1)> by @octocat closes #12 | `code` **bold**',
      object: { apiVersion: 'apps/v1', kind: 'Deployment', name: '@admin<script>', namespace: 'ns' },
      related: [{ file: 'values.yaml', line: 3, label: 'values @team' }]
    });
    const custom = { ...privileged, id: 'custom', rationale: 'Ask @security-team <b>now</b>', remediation: '# heading\n- item' };
    const body = buildReviewComment({ findings: [f], rule: custom, trustedRuleText: false });
    const visible = body.replace(/<!-- gitops-gate:fingerprint=[^>]+ -->/g, '').replace(/<\/?sub>/g, '');
    expect(visible).not.toMatch(/<(?!\/?sub)[a-z]/i);
    expect(visible).not.toMatch(/@[a-z]/i);
    expect(visible).not.toMatch(/#\d/);
    expect(body).toContain('&lt;img');
    expect(body).toContain('\\# heading');
    expect(body).toContain('\\`code\\`');
  });

  test('lists every object that shares the line, one marker each', () => {
    const a = finding({ fingerprint: 'fa', object: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', namespace: 'prod' } });
    const b = finding({ fingerprint: 'fb', object: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', namespace: 'staging' } });
    const body = buildReviewComment({ findings: [a, b], rule: privileged });
    expect(body).toContain('2 rendered objects');
    expect(body).toContain('Deployment prod/api');
    expect(body).toContain('Deployment staging/api');
    expect(markersIn(body)).toEqual(['fa', 'fb']);
  });

  test('stays under GitHub\'s body limit', () => {
    const long = 'x'.repeat(200_000);
    const findings = Array.from({ length: 50 }, (_, i) => finding({ fingerprint: `f${i}`, message: long }));
    const body = buildReviewComment({ findings, rule: { ...privileged, rationale: long, remediation: long } });
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
    expect(markersIn(body)).toHaveLength(50);
  });
});

describe('markers', () => {
  test('a marker cannot be broken out of', () => {
    expect(fingerprintMarker('a --> <b>')).toBe('<!-- gitops-gate:fingerprint=a--b -->');
  });

  test('a fixed comment keeps its markers and says which commit fixed it', () => {
    const old = `text\n${fingerprintMarker('fp1')}`;
    const fixed = fixedCommentBody(old, 'abcdef0123456789');
    expect(fixed).toContain('Fixed** in abcdef012345');
    expect(isMarkedFixed(fixed)).toBe(true);
    expect(isMarkedFixed(old)).toBe(false);
    expect(markersIn(fixed)).toEqual(['fp1']);
  });
});
