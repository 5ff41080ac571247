/**
 * Conformance with Kubernetes' pod-security-admission: every fixture Pod of its test suite
 * (../shared/conformance/psa/test/testdata/<level>/v1.<minor>/{pass,fail}/<check><n>.yaml) evaluated at its
 * folder's level and version must be allowed (pass/) or denied (fail/, with upstream's message text where the
 * suite names it). The same verdicts must hold for the pod templates of a Deployment, a CronJob and a Job,
 * checked one rule at a time through the `pss` template.
 *
 * Cases that are not supported yet are listed with a reason in known-failures/psa.json; that list only shrinks.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { evaluatePss, evaluatePssCheck, overridingPssCheck, PSS_CHECKS, type PssCheckResult, type PssPod } from '../../src/analyze/pss/evaluate.js';
import type { PssLevel } from '../../src/analyze/pss/types.js';
import type { Violation } from '../../src/analyze/types.js';
import { podTemplateOf } from '../../src/objects/podspec.js';
import { isRecord } from '../../src/objects/types.js';
import { pssTemplate } from '../../src/rules/templates/pss.js';

const SUITE = path.resolve('..', 'shared', 'conformance', 'psa');
const TESTDATA = path.join(SUITE, 'test', 'testdata');
const KNOWN_FAILURES_FILE = path.resolve('__tests__', 'conformance', 'known-failures', 'psa.json');

interface Fixture {
  /** Path below testdata/, e.g. `restricted/v1.25/fail/runasnonroot0.yaml`: the key of known-failures/psa.json. */
  rel: string;
  level: Exclude<PssLevel, 'privileged'>;
  minor: number;
  expect: 'pass' | 'fail';
  /** The check the file prefix names (checks.json); fail/ fixtures must be denied by it. */
  checkId: string;
  /** Upstream's text for that check's denial; '' when the suite does not name one. */
  expectSubstring: string;
  pod: PssPod & { name: string };
}

interface SuiteCheck {
  id: string;
  prefix: string;
  expectErrorSubstring: string;
}

function loadFixtures(): Fixture[] {
  const { checks } = JSON.parse(readFileSync(path.join(SUITE, 'checks.json'), 'utf8')) as { checks: SuiteCheck[] };
  const byPrefix = new Map(checks.map((c) => [c.prefix, c]));
  const fixtures: Fixture[] = [];
  for (const level of ['baseline', 'restricted'] as const) {
    for (const version of readdirSync(path.join(TESTDATA, level))) {
      const minor = Number(/^v1\.(\d+)$/.exec(version)?.[1]);
      if (!Number.isInteger(minor)) throw new Error(`unexpected version folder ${level}/${version}`);
      for (const expect of ['pass', 'fail'] as const) {
        for (const file of readdirSync(path.join(TESTDATA, level, version, expect)).filter((f) => f.endsWith('.yaml')).sort()) {
          const rel = [level, version, expect, file].join('/');
          const prefix = file.replace(/\d*\.yaml$/, '');
          const check = byPrefix.get(prefix);
          if (!check && expect === 'fail') throw new Error(`${rel}: checks.json has no check with prefix "${prefix}"`);
          const doc: unknown = parse(readFileSync(path.join(TESTDATA, rel), 'utf8'));
          if (!isRecord(doc) || doc.kind !== 'Pod') throw new Error(`${rel}: not a Pod`);
          const metadata = isRecord(doc.metadata) ? doc.metadata : {};
          const spec = isRecord(doc.spec) ? doc.spec : {};
          const name = typeof metadata.name === 'string' ? metadata.name : file;
          fixtures.push({
            rel,
            level,
            minor,
            expect,
            checkId: check?.id ?? '',
            expectSubstring: check?.expectErrorSubstring ?? '',
            pod: { name, metadata, spec }
          });
        }
      }
    }
  }
  return fixtures;
}

const fixtures = loadFixtures();
const knownFailures = JSON.parse(readFileSync(KNOWN_FAILURES_FILE, 'utf8')) as Record<string, string>;

/**
 * Why the verdict in `results` is wrong for `fixture`, or undefined when it is right. A fail/ fixture must be
 * denied by the check its name names, or at restricted level by the restricted check that replaces it.
 */
function verdictProblem(fixture: Fixture, results: readonly PssCheckResult[]): string | undefined {
  const violations = results.flatMap((r) => r.violations);
  if (fixture.expect === 'pass') {
    return violations.length === 0 ? undefined : `expected allowed, got: ${violations.map((v) => v.message).join('; ')}`;
  }
  if (violations.length === 0) return 'expected denied, got no violation';
  const deniedBy = new Set(results.filter((r) => r.violations.length > 0).map((r) => r.checkId));
  const owner = fixture.level === 'restricted' ? (overridingPssCheck(fixture.checkId, fixture.minor) ?? fixture.checkId) : fixture.checkId;
  if (!deniedBy.has(owner)) return `expected denial by ${owner}, got it from ${[...deniedBy].join(', ')}`;
  if (fixture.expectSubstring && !violations.some((v) => v.message.includes(fixture.expectSubstring))) {
    return `no message contains "${fixture.expectSubstring}": ${violations.map((v) => v.message).join('; ')}`;
  }
  return undefined;
}

interface Tally {
  passed: number;
  failed: number;
  /** Case -> what went wrong, for the failures known-failures/psa.json does not list. */
  unexpected: Record<string, string>;
  /** Listed known failures whose fixtures failed. */
  knownSeen: Set<string>;
}

function newTally(): Tally {
  return { passed: 0, failed: 0, unexpected: {}, knownSeen: new Set() };
}

function record(tally: Tally, fixture: Fixture, caseName: string, problem: string | undefined): void {
  if (problem === undefined) {
    tally.passed++;
    return;
  }
  tally.failed++;
  if (fixture.rel in knownFailures) tally.knownSeen.add(fixture.rel);
  else tally.unexpected[caseName] = problem;
}

/** Known failures whose fixture now passes everywhere: the list must shrink with the fix. */
function staleKnownFailures(tally: Tally): string[] {
  return Object.keys(knownFailures).filter((rel) => !tally.knownSeen.has(rel));
}

function isViolation(v: unknown): v is Violation {
  return isRecord(v) && Array.isArray(v.path) && typeof v.message === 'string';
}

describe('pod-security-admission conformance', () => {
  const pods = newTally();
  const workloads = newTally();

  afterAll(() => {
    console.log(`psa: ${pods.passed} passed, ${pods.failed} failed`);
    console.log(`psa-workloads: ${workloads.passed} passed, ${workloads.failed} failed`);
  });

  test('the suite is all there', () => {
    expect(fixtures.length).toBe(4537);
    expect(new Set(fixtures.map((f) => f.minor)).size).toBe(38);
  });

  test('every fixture Pod gets upstream verdict at its level and version', () => {
    for (const fixture of fixtures) {
      const results = evaluatePss(fixture.level, fixture.minor, fixture.pod);
      const violations = results.flatMap((r) => r.violations);
      let problem = verdictProblem(fixture, results);
      if (!violations.every(isViolation) || violations.some((v) => v.path[0] !== 'spec' && v.path[0] !== 'metadata')) {
        problem = `malformed violation: ${JSON.stringify(violations)}`;
      }
      record(pods, fixture, fixture.rel, problem);
    }
    expect(pods.unexpected).toEqual({});
    expect(staleKnownFailures(pods)).toEqual([]);
  });

  test('the same verdicts hold for the pod templates of workloads, one pss rule at a time', () => {
    const wrappers: Record<string, (pod: Fixture['pod']) => Record<string, unknown>> = {
      Deployment: ({ name, metadata, spec }) => ({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: 'conformance' },
        spec: { selector: { matchLabels: { app: name } }, template: { metadata, spec } }
      }),
      CronJob: ({ name, metadata, spec }) => ({
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name, namespace: 'conformance' },
        spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { metadata, spec } } } }
      }),
      Job: ({ name, metadata, spec }) => ({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name, namespace: 'conformance' },
        spec: { template: { metadata, spec } }
      })
    };
    for (const fixture of fixtures) {
      for (const [kind, wrap] of Object.entries(wrappers)) {
        const body = wrap(fixture.pod);
        const podPath = podTemplateOf(kind, body)?.podPath ?? [];
        const object = { apiVersion: String(body.apiVersion), kind, name: fixture.pod.name, namespace: 'conformance', body };
        const settings = { pss: { level: fixture.level, minor: fixture.minor }, kubeMinor: 35 };
        const results = PSS_CHECKS.map((check) => ({ checkId: check.id, violations: pssTemplate.run({ object, settings }, { check: check.id }) }));
        const violations = results.flatMap((r) => r.violations);
        let problem = verdictProblem(fixture, results);
        const outside = violations.find((v) => podPath.some((seg, i) => v.path[i] !== seg) || v.path.length <= podPath.length);
        if (outside) problem = `violation path ${JSON.stringify(outside.path)} is not inside the pod template`;
        record(workloads, fixture, `${kind} ${fixture.rel}`, problem);
      }
    }
    expect(workloads.unexpected).toEqual({});
    expect(staleKnownFailures(workloads)).toEqual([]);
  });
});

describe('pss API', () => {
  const windowsPod: PssPod = {
    metadata: {},
    spec: {
      os: { name: 'windows' },
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Unconfined' } },
      containers: [{ name: 'app', image: 'registry.k8s.io/pause' }]
    }
  };
  const deployment = (spec: Record<string, unknown>) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    name: 'api',
    body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api' }, spec: { template: { metadata: {}, spec } } }
  });

  test('lists every upstream check once, with its level and first version', () => {
    const checks = JSON.parse(readFileSync(path.join(SUITE, 'checks.json'), 'utf8')).checks as { id: string; level: string }[];
    expect(new Map(PSS_CHECKS.map((c) => [c.id, c.level]))).toEqual(new Map(checks.map((c) => [c.id, c.level])));
    const since = Object.fromEntries(PSS_CHECKS.map((c) => [c.id, c.sinceMinor]));
    expect(since).toMatchObject({ allowPrivilegeEscalation: 8, seccompProfile_restricted: 19, capabilities_restricted: 22, runAsUser: 23 });
    expect(since).toMatchObject({ hostProbesAndHostLifecycle: 34, procMount_restricted: 35, privileged: 0 });
  });

  test('a check is silent before its first version and for unknown ids', () => {
    const pod: PssPod = { metadata: {}, spec: { securityContext: { runAsUser: 0 }, containers: [{ name: 'app' }] } };
    expect(evaluatePssCheck('runAsUser', pod, 22)).toEqual([]);
    expect(evaluatePssCheck('runAsUser', pod, 23)).toEqual([
      { path: ['spec', 'securityContext', 'runAsUser'], message: 'runAsUser=0 (pod must not set runAsUser=0)' }
    ]);
    expect(evaluatePssCheck('noSuchCheck', pod, 37)).toEqual([]);
  });

  test('the allowed sysctls grow with the policy version', () => {
    const pod: PssPod = { metadata: {}, spec: { securityContext: { sysctls: [{ name: 'net.ipv4.tcp_notsent_lowat', value: '16384' }] } } };
    expect(evaluatePssCheck('sysctls', pod, 36)).toHaveLength(1);
    expect(evaluatePssCheck('sysctls', pod, 37)).toEqual([]);
  });

  test('restricted replaces an overridden baseline check; its rule reports only while upstream denies too', () => {
    // The restricted seccomp check exempts Windows pods from v1.25 and replaces the baseline one.
    expect(evaluatePss('restricted', 37, windowsPod).map((r) => r.checkId)).not.toContain('seccompProfile_baseline');
    expect(evaluatePss('restricted', 37, windowsPod).flatMap((r) => r.violations)).toEqual([]);
    expect(evaluatePss('baseline', 37, windowsPod).flatMap((r) => r.violations)).toHaveLength(1);
    const object = deployment(windowsPod.spec);
    const run = (level: PssLevel, minor: number) =>
      pssTemplate.run({ object, settings: { pss: { level, minor }, kubeMinor: 35 } }, { check: 'seccompProfile_baseline' });
    expect(run('restricted', 37)).toEqual([]);
    expect(run('restricted', 24)).toHaveLength(1);
    expect(run('baseline', 37)).toEqual([
      {
        path: ['spec', 'template', 'spec', 'securityContext', 'seccompProfile', 'type'],
        message: 'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")'
      }
    ]);
  });

  test('the pss template follows the enforced level and refuses unknown checks', () => {
    const object = deployment({ containers: [{ name: 'app', securityContext: { privileged: true } }] });
    const run = (level: PssLevel, check: string) => pssTemplate.run({ object, settings: { pss: { level, minor: 37 }, kubeMinor: 35 } }, { check });
    expect(run('baseline', 'privileged')).toEqual([
      {
        path: ['spec', 'template', 'spec', 'containers', 0, 'securityContext', 'privileged'],
        message: 'privileged (container "app" must not set securityContext.privileged=true)'
      }
    ]);
    expect(run('privileged', 'privileged')).toEqual([]);
    expect(run('baseline', 'allowPrivilegeEscalation')).toEqual([]);
    expect(run('restricted', 'allowPrivilegeEscalation')).toHaveLength(1);
    expect(() => run('baseline', 'privileged_containers')).toThrow(/params\.check must be one of/);
    const configMap = { ...object, kind: 'ConfigMap' };
    expect(pssTemplate.run({ object: configMap, settings: { pss: { level: 'restricted', minor: 37 }, kubeMinor: 35 } }, { check: 'privileged' })).toEqual([]);
  });
});
