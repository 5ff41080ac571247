/** Generates a realistic multi-document manifest stream of workload objects for the benchmark. */
const KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod'] as const;

function podSpec(i: number, indent: string): string {
  const hardened = i % 3 !== 0;
  const lines = [
    'serviceAccountName: app',
    ...(hardened ? ['securityContext:', '  runAsNonRoot: true', '  runAsUser: 10001', '  seccompProfile:', '    type: RuntimeDefault'] : ['hostNetwork: true']),
    'containers:',
    `  - name: app-${i}`,
    `    image: ${i % 4 === 0 ? `registry.example.com/team/app-${i}:latest` : `ghcr.io/org/app-${i}:1.${i % 50}.0`}`,
    '    ports:',
    '      - containerPort: 8080',
    '    env:',
    '      - name: LOG_LEVEL',
    '        value: info',
    `      - name: ${i % 5 === 0 ? 'DB_PASSWORD' : 'REGION'}`,
    '        value: eu-west-1',
    '    resources:',
    '      requests: { cpu: 100m, memory: 128Mi }',
    ...(i % 2 === 0 ? ['      limits: { memory: 256Mi }'] : []),
    '    securityContext:',
    `      allowPrivilegeEscalation: ${hardened ? 'false' : 'true'}`,
    ...(i % 7 === 0 ? ['      privileged: true'] : []),
    '      capabilities:',
    `        drop: ["ALL"]`,
    '  - name: sidecar',
    '    image: envoyproxy/envoy:v1.30.1',
    '    resources:',
    '      limits: { cpu: 200m, memory: 128Mi }',
    'volumes:',
    '  - name: data',
    i % 6 === 0 ? '    hostPath: { path: /var/lib/data }' : '    emptyDir: {}'
  ];
  return lines.map((l) => indent + l).join('\n');
}

export function workloadStream(count: number, first = 0): string {
  const docs: string[] = [];
  for (let i = first; i < first + count; i++) {
    const kind = KINDS[i % KINDS.length];
    const head = `apiVersion: ${kind === 'Pod' ? 'v1' : kind === 'Job' || kind === 'CronJob' ? 'batch/v1' : 'apps/v1'}\nkind: ${kind}\nmetadata:\n  name: app-${i}\n  namespace: team-${i % 40}\n  labels:\n    app: app-${i}\n`;
    if (kind === 'Pod') docs.push(`${head}spec:\n${podSpec(i, '  ')}`);
    else if (kind === 'CronJob')
      docs.push(`${head}spec:\n  schedule: "*/5 * * * *"\n  jobTemplate:\n    spec:\n      template:\n        metadata:\n          labels:\n            app: app-${i}\n        spec:\n${podSpec(i, '          ')}`);
    else docs.push(`${head}spec:\n  selector:\n    matchLabels:\n      app: app-${i}\n  template:\n    metadata:\n      labels:\n        app: app-${i}\n    spec:\n${podSpec(i, '      ')}`);
  }
  return docs.join('\n---\n') + '\n';
}

/**
 * What a team's namespace holds besides workloads, for the relation analyzers: per namespace a default deny and its
 * RBAC (a role bound to the workloads' account, a viewer group), and for every other workload of the stream a
 * policy allowing its callers, and a Service selecting it.
 */
export function networkStream(count: number, first = 0): string {
  const docs: string[] = [];
  const namespaces = new Set<number>();
  for (let i = first; i < first + count; i++) namespaces.add(i % 40);
  for (const n of namespaces) {
    docs.push(`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: team-${n}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n`);
    // RBAC as teams write it: a role per namespace, bound to the account the workloads run as, and a viewer binding.
    docs.push(`apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: app\n  namespace: team-${n}\nrules:\n  - apiGroups: [""]\n    resources: [configmaps, secrets]\n    verbs: [get, list]\n`);
    docs.push(`apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: app\n  namespace: team-${n}\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: app }\nsubjects:\n  - { kind: ServiceAccount, name: app }\n`);
    docs.push(`apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: viewers\n  namespace: team-${n}\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view }\nsubjects:\n  - { kind: Group, name: team-${n} }\n`);
  }
  for (let i = first; i < first + count; i += 2) {
    docs.push(`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: app-${i}\n  namespace: team-${i % 40}\nspec:\n  podSelector:\n    matchLabels: { app: app-${i} }\n  ingress:\n    - from:\n        - podSelector: { matchLabels: { app: app-${i + 1} } }\n  egress:\n    - to:\n        - podSelector: { matchLabels: { app: app-${i + 3} } }\n`);
    docs.push(`apiVersion: v1\nkind: Service\nmetadata:\n  name: app-${i}\n  namespace: team-${i % 40}\nspec:\n  selector: { app: app-${i} }\n  ports: [{ port: 80 }]\n`);
  }
  return docs.join('---\n');
}
