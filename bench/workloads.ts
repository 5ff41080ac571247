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
