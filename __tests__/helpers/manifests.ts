/** Manifests the end-to-end tests share. Line numbers matter to the tests: extra lines go where they say. */

/**
 * A Deployment `api` with one container. `pod` lines go into the pod spec before `containers:`, `security` lines
 * into the container's securityContext after `allowPrivilegeEscalation: false` (line 16; the first extra is 17).
 */
export function apiDeployment(extra: { pod?: string[]; security?: string[] } = {}): string {
  const pod = (extra.pod ?? []).map((l) => `      ${l}\n`).join('');
  const security = (extra.security ?? []).map((l) => `            ${l}\n`).join('');
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: { app: api }
  template:
    metadata:
      labels: { app: api }
    spec:
${pod}      containers:
        - name: api
          image: ghcr.io/example/api:1.0.0
          securityContext:
            allowPrivilegeEscalation: false
${security}`;
}

/**
 * Valid YAML: a privileged Pod `name` whose spec expands aliases to a million values, over the gate's limit of
 * 500,000 values a document (kubectl refuses it too, as excessive aliasing).
 */
export function aliasBombPod(name: string): string {
  const levels = Array.from({ length: 6 }, (_, i) => `  x${i}: &x${i} [${Array(10).fill(i === 0 ? '*a' : `*x${i - 1}`).join(', ')}]`);
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  annotations:\n    a: &a "x"\nspec:\n${levels.join('\n')}\n  containers:\n    - name: c\n      image: busybox:1.36\n      securityContext:\n        privileged: true\n`;
}
