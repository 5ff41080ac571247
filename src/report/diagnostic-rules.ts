/**
 * Rules for problems with the input itself rather than with a Kubernetes object: a file that cannot be read
 * or parsed, a path that leaves the repository, a render that failed. Findings with these ids carry no object;
 * they point at the file (and line, when known). Reports describe them like any other rule.
 */
import type { RuleMeta } from './common.js';

const INPUT_TAGS = ['security', 'input'];

function diagnostic(rule: Omit<RuleMeta, 'category' | 'references' | 'tags'> & Partial<Pick<RuleMeta, 'tags'>>): RuleMeta {
  return { category: 'input', references: {}, ...rule, tags: [...INPUT_TAGS, ...(rule.tags ?? [])] };
}

export const DIAGNOSTIC_RULES: readonly RuleMeta[] = [
  diagnostic({
    id: 'invalid-yaml',
    title: 'Invalid YAML',
    severity: 'medium',
    securitySeverity: 5.0,
    rationale:
      'A manifest that does not parse is never checked. Whatever it would deploy goes unreviewed, and tools downstream may read it differently from this gate.',
    remediation: 'Fix the YAML syntax at the reported line (indentation, quoting, unbalanced brackets) so that the document parses.'
  }),
  diagnostic({
    id: 'duplicate-key',
    title: 'Duplicate mapping key',
    severity: 'medium',
    securitySeverity: 5.0,
    rationale:
      'YAML parsers disagree on duplicated keys: some keep the first value, some the last, some refuse the document. A reviewer may read one value while the cluster applies the other.',
    remediation: 'Remove the duplicated key so that each key appears once in its mapping.'
  }),
  diagnostic({
    id: 'not-a-kubernetes-object',
    title: 'Document is not a Kubernetes object',
    severity: 'medium',
    securitySeverity: 4.0,
    rationale:
      'A document without `apiVersion`, `kind` and `metadata.name` cannot be checked as a Kubernetes object, and may be a mistake that hides a real resource.',
    remediation: 'Give the document `apiVersion`, `kind` and `metadata.name`, or move non-Kubernetes YAML out of the manifest folders.'
  }),
  diagnostic({
    id: 'file-too-large',
    title: 'File over the size limit',
    severity: 'medium',
    securitySeverity: 5.0,
    rationale: 'Files over the size limit are not read, so nothing in them is checked. Very large inputs are also a common way to exhaust tooling.',
    remediation: 'Split the file into smaller manifests, or raise the size limit in the gate settings if the file is expected.'
  }),
  diagnostic({
    id: 'invalid-encoding',
    title: 'File is not valid UTF-8',
    severity: 'medium',
    securitySeverity: 5.0,
    rationale: 'Text that is not valid UTF-8 is decoded differently by different tools, so what is reviewed may not be what is applied.',
    remediation: 'Save the file as UTF-8.'
  }),
  diagnostic({
    id: 'path-outside-repository',
    title: 'Path leaves the repository',
    severity: 'high',
    securitySeverity: 7.5,
    rationale:
      'A path (a `../` reference, an absolute path or a symbolic link) that points outside the repository can read files from the machine that renders the manifests, and makes the result depend on things that are not under review.',
    remediation: 'Reference only files inside the repository, with relative paths that stay within it; replace symbolic links that point outside with the files themselves.'
  }),
  diagnostic({
    id: 'file-not-found',
    title: 'Referenced file not found',
    severity: 'medium',
    securitySeverity: 4.0,
    rationale: 'A reference to a missing file (values file, kustomize resource, patch) means the rendered result is incomplete and cannot be fully checked.',
    remediation: 'Fix the reference or add the missing file.'
  }),
  diagnostic({
    id: 'remote-resource',
    title: 'Remote resource in a render',
    severity: 'high',
    securitySeverity: 7.0,
    rationale:
      'A kustomization or chart that pulls resources from a URL deploys content that is not in the repository and not reviewed in the pull request; it can change at any time without a commit.',
    remediation: 'Vendor the remote resource into the repository, or pin it to an immutable reference that is reviewed separately.'
  }),
  diagnostic({
    id: 'kustomize-build-failed',
    title: 'Kustomize build failed',
    severity: 'medium',
    securitySeverity: 5.0,
    rationale: 'A kustomization that does not build is not checked, and will also fail or behave unexpectedly when synced to the cluster.',
    remediation: 'Run `kustomize build` on the reported folder and fix the reported error.'
  }),
  diagnostic({
    id: 'render-timeout',
    title: 'Render timed out',
    severity: 'medium',
    securitySeverity: 5.0,
    rationale: 'A render that does not finish in time (for example a template that recurses without end) is not checked.',
    remediation: 'Simplify the templates or the kustomization so that rendering finishes quickly; look for recursive template calls.'
  }),
  diagnostic({
    id: 'invalid-input',
    title: 'Input could not be processed',
    severity: 'medium',
    securitySeverity: 4.0,
    rationale: 'An input the gate cannot process is not checked; whatever it deploys goes unreviewed.',
    remediation: 'Read the message for the specific problem and fix the file it names.'
  }),
  diagnostic({
    id: 'helm-inflation-disabled',
    title: 'Helm chart inflation in kustomize is disabled',
    severity: 'medium',
    securitySeverity: 4.0,
    rationale:
      'A kustomization that inflates Helm charts (`helmCharts`) needs the helm binary and may fetch charts over the network, which the gate does not allow; the charts it names are not checked through it.',
    remediation: 'Point the gate at the chart directly (as a Helm target with its values), or vendor the rendered chart into the repository.'
  }),
  diagnostic({
    id: 'invalid-kustomization',
    title: 'Kustomization cannot be read',
    severity: 'medium',
    securitySeverity: 5.0,
    rationale: 'A kustomization whose fields have the wrong shape cannot be followed: the files it would load and the objects it would build go unchecked.',
    remediation: 'Fix the kustomization field named in the message (for example a `resources:` that is not a list of strings).'
  }),
  diagnostic({
    id: 'kustomization-cycle',
    title: 'Kustomizations include each other in a cycle',
    severity: 'medium',
    securitySeverity: 4.0,
    rationale: 'kustomize refuses a cycle of includes, so none of the objects behind it would deploy as reviewed.',
    remediation: 'Break the cycle: a base must not include the overlays built on it.'
  }),
  diagnostic({
    id: 'render-output-too-large',
    title: 'Rendered output over the size limit',
    severity: 'medium',
    securitySeverity: 4.0,
    rationale: 'A target that renders to an enormous stream is either a mistake or an attempt to exhaust the gate; its objects are not checked.',
    remediation: 'Split the target, or check what makes its output grow (generators, repeated components).'
  }),
  diagnostic({
    id: 'kustomize-not-found',
    title: 'No kustomize to render with',
    severity: 'medium',
    securitySeverity: 4.0,
    rationale: 'Kustomize targets are rendered with the `kustomize` binary or `kubectl kustomize`; with neither on the PATH they cannot be checked.',
    remediation: 'Install kustomize or kubectl on the runner (GitHub-hosted runners have both).'
  }),
  diagnostic({
    id: 'target-not-found',
    title: 'Configured target not found',
    severity: 'medium',
    securitySeverity: 4.0,
    rationale: 'A target named in the configuration that does not exist is not checked, which usually means the configuration went stale after a move.',
    remediation: 'Fix the `targets:` entry in `.gitops-gate.yaml` to name an existing kustomization, chart or manifest folder.'
  }),
  diagnostic({
    id: 'helm-render-failed',
    title: 'Helm chart cannot be rendered',
    severity: 'medium',
    securitySeverity: 5.0,
    rationale: 'A chart that fails to render for a release (a template error, a failed `required`, values that break the schema) is not checked, and would fail at deploy time too.',
    remediation: 'Fix the template or values named in the message; render it locally with `gitops-gate template` to see the same error.'
  }),
  diagnostic({
    id: 'helm-not-found',
    title: 'No helm binary for `renderer: helm`',
    severity: 'medium',
    securitySeverity: 4.0,
    rationale: 'The configuration asks for charts to be rendered by the helm binary, and none is on the PATH, so the charts are not checked.',
    remediation: 'Install helm on the runner, or remove `renderer: helm` to use the built-in renderer (no binary needed).'
  })
];

const BY_ID = new Map(DIAGNOSTIC_RULES.map((r) => [r.id, r]));

export function isDiagnosticRuleId(id: string): boolean {
  return BY_ID.has(id);
}

export function diagnosticRule(id: string): RuleMeta | undefined {
  return BY_ID.get(id);
}
