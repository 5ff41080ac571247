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
