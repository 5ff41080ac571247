/** Fixture findings and rules for the report builders. */
import type { Finding, Severity } from '../../src/analyze/types.js';
import type { RuleMeta } from '../../src/report/common.js';

let counter = 0;

export function finding(overrides: Partial<Finding> = {}): Finding {
  counter++;
  return {
    ruleId: 'pss-privileged',
    severity: 'critical',
    message: 'Deployment payments/api: container "api" runs privileged (spec.template.spec.containers[0].securityContext.privileged).',
    object: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', namespace: 'payments' },
    target: 'helm:charts/api',
    path: ['spec', 'template', 'spec', 'containers', 0, 'securityContext', 'privileged'],
    location: { file: 'charts/api/values.yaml', line: 12, column: 5 },
    related: [],
    fingerprint: `fp-${counter.toString().padStart(6, '0')}`,
    status: 'new',
    ...overrides
  };
}

export function ruleMeta(overrides: Partial<RuleMeta> & { id: string }): RuleMeta {
  return {
    title: `Title of ${overrides.id}`,
    severity: 'high',
    securitySeverity: 8,
    category: 'pod-security',
    rationale: `Why ${overrides.id} matters.`,
    remediation: `How to fix ${overrides.id}.`,
    references: {},
    tags: ['security'],
    ...overrides
  };
}

export const RULES: RuleMeta[] = [
  ruleMeta({
    id: 'pss-privileged',
    title: 'Privileged containers',
    severity: 'critical',
    securitySeverity: 9.0,
    rationale: 'Privileged containers have nearly all the capabilities of the host.',
    remediation: 'Remove `securityContext.privileged` or set it to false.',
    references: {
      pss: { level: 'baseline', check: 'privileged' },
      cis: ['5.2.1'],
      nsa: ['Pod security'],
      docs: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/']
    },
    tags: ['pss:baseline', 'pss:privileged']
  }),
  ruleMeta({ id: 'run-as-non-root', title: 'Containers must run as non-root', severity: 'high', securitySeverity: 7.5, tags: ['security', 'pss:restricted'] }),
  ruleMeta({ id: 'image-latest-tag', title: 'Image uses the latest tag', severity: 'medium', securitySeverity: 5, category: 'images', tags: ['images'] }),
  ruleMeta({ id: 'missing-resource-limits', title: 'No resource limits', severity: 'low', securitySeverity: 2, category: 'reliability', tags: [] }),
  // Enabled but never reported: still described in SARIF.
  ruleMeta({ id: 'host-network', title: 'Host network', severity: 'high', securitySeverity: 8.5 })
];

const SEV_RULE: Record<Severity, string> = {
  critical: 'pss-privileged',
  high: 'run-as-non-root',
  medium: 'image-latest-tag',
  low: 'missing-resource-limits'
};

/** A varied set: every severity, new and existing, related locations, an input problem without an object. */
export function sampleFindings(): Finding[] {
  return [
    finding({
      related: [
        { label: 'template', file: 'charts/api/templates/deployment.yaml', line: 30, column: 11 },
        { label: 'values', file: 'charts/api/values.yaml', line: 12 }
      ]
    }),
    finding({
      ruleId: SEV_RULE.high,
      severity: 'high',
      message: 'Deployment payments/api: container "api" may run as root.',
      path: ['spec', 'template', 'spec', 'containers', 0, 'securityContext'],
      location: { file: 'charts/api/templates/deployment.yaml', line: 28, column: 9, endLine: 28, endColumn: 25 },
      status: 'existing'
    }),
    finding({
      ruleId: SEV_RULE.medium,
      severity: 'medium',
      message: 'Deployment web/frontend: image "nginx:latest" uses the latest tag.',
      object: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'frontend', namespace: 'web' },
      target: 'kustomize:overlays/prod',
      path: ['spec', 'template', 'spec', 'containers', 0, 'image'],
      location: { file: 'overlays/prod/patch image.yaml', line: 7 },
      related: [{ label: 'base', file: 'base/deployment.yaml', line: 19, column: 16 }]
    }),
    finding({
      ruleId: SEV_RULE.low,
      severity: 'low',
      message: 'ClusterRole admin: something low.',
      object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'admin' },
      target: 'manifests:deploy',
      path: ['rules'],
      location: { file: 'deploy/rbac.yaml', line: 3 },
      status: 'existing'
    }),
    // Input problems: no object, no target path.
    finding({
      ruleId: 'invalid-yaml',
      severity: 'medium',
      message: 'deploy/broken.yaml: invalid YAML in document 2: bad indentation',
      object: undefined,
      target: undefined,
      path: [],
      location: { file: 'deploy/broken.yaml', line: 14, column: 3 },
      related: []
    }),
    finding({
      ruleId: 'path-outside-repository',
      severity: 'high',
      message: 'overlays/prod/kustomization.yaml: resource ../../../etc/passwd leaves the repository',
      object: undefined,
      target: 'kustomize:overlays/prod',
      path: [],
      location: { file: 'overlays/prod/kustomization.yaml', line: 1 },
      related: []
    })
  ];
}

/** Many findings, spread over files and severities, for trimming tests. */
export function manyFindings(count: number, status: Finding['status'] = 'new'): Finding[] {
  const severities: Severity[] = ['low', 'medium', 'high', 'critical'];
  const out: Finding[] = [];
  for (let i = 0; i < count; i++) {
    const severity = severities[i % 4];
    out.push(
      finding({
        ruleId: SEV_RULE[severity],
        severity,
        message: `Finding number ${i} in a generated file.`,
        location: { file: `gen/file-${Math.floor(i / 50)}.yaml`, line: (i % 50) + 1 },
        fingerprint: `many-${i}`,
        status
      })
    );
  }
  return out;
}
