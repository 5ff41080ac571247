/**
 * Rules for problems with the input itself rather than with a Kubernetes object: a file that cannot be read
 * or parsed, a path that leaves the repository, a render that failed. Findings with these ids carry no object;
 * they point at the file (and line, when known). Reports describe them like any other rule.
 *
 * Most of them mean that something the scan selected could not be checked (`coverage: true`). They are high by
 * default, so the default gate blocks: a ✔ means the change was checked. `rules.severity` can lower them.
 */
import type { RuleMeta } from './common.js';

const INPUT_TAGS = ['security', 'input'];

/** A diagnostic rule; `coverage` marks the ones whose findings mean "this could not be checked". */
export type DiagnosticRule = RuleMeta & { coverage: boolean };

/** Not checked: high, so that the default gate (`fail-on: high`) blocks. */
const UNCHECKED = { severity: 'high', securitySeverity: 7.5, coverage: true } as const;

function diagnostic(rule: Omit<RuleMeta, 'category' | 'references' | 'tags'> & Partial<Pick<RuleMeta, 'tags'>> & { coverage: boolean }): DiagnosticRule {
  return { category: 'input', references: {}, ...rule, tags: [...INPUT_TAGS, ...(rule.coverage ? ['coverage'] : []), ...(rule.tags ?? [])] };
}

export const DIAGNOSTIC_RULES: readonly DiagnosticRule[] = [
  diagnostic({
    id: 'invalid-yaml',
    title: 'Invalid YAML',
    ...UNCHECKED,
    rationale:
      'A manifest that does not parse is never checked. Whatever it would deploy goes unreviewed, and tools downstream may read it differently from this gate.',
    remediation: 'Fix the YAML syntax at the reported line (indentation, quoting, unbalanced brackets) so that the document parses.'
  }),
  diagnostic({
    id: 'duplicate-key',
    title: 'Duplicate mapping key',
    ...UNCHECKED,
    rationale:
      'YAML parsers disagree on duplicated keys: some keep the first value, some the last, some refuse the document. A reviewer may read one value while the cluster applies the other.',
    remediation: 'Remove the duplicated key so that each key appears once in its mapping.'
  }),
  diagnostic({
    id: 'repeated-key',
    title: 'Mapping key repeated with the same value',
    severity: 'low',
    coverage: false,
    securitySeverity: 2.0,
    rationale:
      'The key carries the same value both times, so every reader that accepts the document reads the same object, and it is checked. But kustomize, `kubectl apply --validate=strict` and other strict YAML readers refuse the document, so a deploy through them fails.',
    remediation: 'Remove the repeated key (in a Helm chart, usually an annotation or label printed both by a helper and by the template).'
  }),
  diagnostic({
    id: 'not-a-kubernetes-object',
    title: 'Document is not a Kubernetes object',
    severity: 'medium',
    coverage: false,
    securitySeverity: 4.0,
    rationale:
      'A document without `apiVersion`, `kind` and `metadata.name` cannot be checked as a Kubernetes object, and may be a mistake that hides a real resource.',
    remediation: 'Give the document `apiVersion`, `kind` and `metadata.name`, or move non-Kubernetes YAML out of the manifest folders.'
  }),
  diagnostic({
    id: 'file-too-large',
    title: 'File over the size limit',
    ...UNCHECKED,
    rationale: 'Files over the size limit are not read, so nothing in them is checked. Very large inputs are also a common way to exhaust tooling.',
    remediation: 'Split the file into smaller manifests, or raise the size limit in the gate settings if the file is expected.'
  }),
  diagnostic({
    id: 'invalid-encoding',
    title: 'File is not valid UTF-8',
    ...UNCHECKED,
    rationale: 'Text that is not valid UTF-8 is decoded differently by different tools, so what is reviewed may not be what is applied.',
    remediation: 'Save the file as UTF-8.'
  }),
  diagnostic({
    id: 'path-outside-repository',
    title: 'Path leaves the repository',
    ...UNCHECKED,
    rationale:
      'A path (a `../` reference, an absolute path or a symbolic link) that points outside the repository can read files from the machine that renders the manifests, and makes the result depend on things that are not under review.',
    remediation: 'Reference only files inside the repository, with relative paths that stay within it; replace symbolic links that point outside with the files themselves.'
  }),
  diagnostic({
    id: 'file-not-found',
    title: 'Referenced file not found',
    ...UNCHECKED,
    rationale: 'A reference to a missing file (values file, kustomize resource, patch) means the rendered result is incomplete and cannot be fully checked.',
    remediation: 'Fix the reference or add the missing file.'
  }),
  diagnostic({
    id: 'remote-resource',
    title: 'Remote resource in a render',
    ...UNCHECKED,
    rationale:
      'A kustomization or chart that pulls resources from a URL deploys content that is not in the repository and not reviewed in the pull request; it can change at any time without a commit.',
    remediation: 'Vendor the remote resource into the repository, or pin it to an immutable reference that is reviewed separately.'
  }),
  diagnostic({
    id: 'remote-chart-not-allowed',
    title: 'Remote chart not allowed to be fetched',
    ...UNCHECKED,
    rationale:
      'A chart dependency (or a chart a declaration deploys) comes from a Helm repository or an OCI registry that the base branch\'s policy does not allow. The gate never contacts such a location: a pull request could otherwise point the runner at any address. Without the chart, Helm cannot render the release, so nothing it deploys is checked.',
    remediation:
      'If the location is trusted, add it to `repositories.allow` in the config on the default branch (the finding gives the snippet); otherwise vendor the chart (`helm dependency build` and commit `charts/`).'
  }),
  diagnostic({
    id: 'remote-chart-unavailable',
    title: 'Remote chart could not be fetched',
    ...UNCHECKED,
    rationale:
      'An allowed chart location did not deliver the chart: the version does not exist, the server failed or timed out, the download was over the size limits, or the archive did not match its digest (then the bytes were discarded). The release cannot be rendered, so nothing it deploys is checked.',
    remediation: 'Check the version and the repository URL; for a digest mismatch, find out why the published archive changed before trusting it. With `--offline`, run once online to fill the cache.'
  }),
  diagnostic({
    id: 'declaration-not-rendered',
    title: 'GitOps declaration uses a feature the gate does not render yet',
    ...UNCHECKED,
    rationale:
      'A Flux or Argo CD declaration deploys what its controller renders. When it uses a feature the gate does not reproduce (a HelmRelease\'s chart values files, an Argo CD config management plugin, an ApplicationSet generator that calls a live service), rendering without it would check something other than what the cluster runs, so the release is reported as not checked instead.',
    remediation: 'Check the release another way until the gate supports the feature, or lower this rule in `rules.severity` if you accept that it is not checked.'
  }),
  diagnostic({
    id: 'declaration-source-not-found',
    title: 'GitOps declaration names a source the gate cannot find',
    ...UNCHECKED,
    rationale:
      'A HelmRelease names its chart through a source object (HelmRepository, OCIRepository, GitRepository), and a Flux Kustomization its folder through a GitRepository and a path. When that source is not written in this repository, is another Git repository, or the path does not exist, the gate cannot know what the controller applies, so nothing the declaration deploys is checked.',
    remediation: 'Keep the source objects in the repository the gate scans (as `flux bootstrap` does), or point the release at a chart in this repository.'
  }),
  diagnostic({
    id: 'flux-chart-version-not-bumped',
    title: 'Chart changed without a version bump: Flux will not release it',
    severity: 'medium',
    securitySeverity: 4.0,
    coverage: false,
    tags: ['gitops', 'flux'],
    rationale:
      'A HelmRelease deploys a chart from this repository with `reconcileStrategy: ChartVersion` (the default): source-controller builds a new chart artifact only when Chart.yaml\'s `version` changes. A pull request that changes the chart\'s templates or values but not its version merges, and the cluster keeps running the old chart, while this gate (and the reviewer) checked the new one.',
    remediation: 'Bump `version` in Chart.yaml with the change, or set `reconcileStrategy: Revision` on the HelmRelease\'s chart so that every commit is released.'
  }),
  diagnostic({
    id: 'substitution-unreadable',
    title: 'Flux variables come from an encrypted Secret',
    severity: 'low',
    securitySeverity: 2.0,
    coverage: false,
    rationale:
      'A Flux Kustomization substitutes `${VARIABLES}` from a Secret encrypted with SOPS. The gate never holds the decryption key, so those variables keep their `${...}` text in the objects it checks: every other field is checked as the cluster gets it, but a field set from such a variable is checked with its placeholder, not its value.',
    remediation: 'Keep security-relevant settings (privileges, host access, images) out of encrypted variables, or move non-secret settings to a ConfigMap the gate can read.'
  }),
  diagnostic({
    id: 'remote-resource-pinned',
    title: 'Remote resource pinned to a version, not rendered',
    severity: 'medium',
    securitySeverity: 5.0,
    coverage: true,
    rationale:
      'A kustomization entry fetched from a URL pinned to a commit or a release tag deploys content that is not in the repository; unlike one that follows a branch it does not change without a commit, but the gate does not fetch it, so what it deploys is not checked here.',
    remediation: 'Vendor the resource into the repository to have it checked, or review the pinned version where it is published.'
  }),
  diagnostic({
    id: 'kustomize-build-failed',
    title: 'Kustomize build failed',
    ...UNCHECKED,
    rationale: 'A kustomization that does not build is not checked, and will also fail or behave unexpectedly when synced to the cluster.',
    remediation: 'Run `kustomize build` on the reported folder and fix the reported error.'
  }),
  diagnostic({
    id: 'render-timeout',
    title: 'Render timed out',
    ...UNCHECKED,
    rationale: 'A render that does not finish in time (for example a template that recurses without end) is not checked.',
    remediation: 'Simplify the templates or the kustomization so that rendering finishes quickly; look for recursive template calls.'
  }),
  diagnostic({
    id: 'invalid-input',
    title: 'Input could not be processed',
    ...UNCHECKED,
    rationale: 'An input the gate cannot process is not checked; whatever it deploys goes unreviewed.',
    remediation: 'Read the message for the specific problem and fix the file it names.'
  }),
  diagnostic({
    id: 'helm-inflation-disabled',
    title: 'Helm chart inflation in kustomize is disabled',
    ...UNCHECKED,
    rationale:
      'A kustomization that inflates Helm charts (`helmCharts`) needs the helm binary and may fetch charts over the network, which the gate does not allow; the charts it names are not checked through it.',
    remediation: 'Point the gate at the chart directly (as a Helm target with its values), or vendor the rendered chart into the repository.'
  }),
  diagnostic({
    id: 'invalid-kustomization',
    title: 'Kustomization cannot be read',
    ...UNCHECKED,
    rationale: 'A kustomization whose fields have the wrong shape cannot be followed: the files it would load and the objects it would build go unchecked.',
    remediation: 'Fix the kustomization field named in the message (for example a `resources:` that is not a list of strings).'
  }),
  diagnostic({
    id: 'kustomization-cycle',
    title: 'Kustomizations include each other in a cycle',
    ...UNCHECKED,
    rationale: 'kustomize refuses a cycle of includes, so none of the objects behind it would deploy as reviewed.',
    remediation: 'Break the cycle: a base must not include the overlays built on it.'
  }),
  diagnostic({
    id: 'render-output-too-large',
    title: 'Rendered output over the size limit',
    ...UNCHECKED,
    rationale: 'A target that renders to an enormous stream is either a mistake or an attempt to exhaust the gate; its objects are not checked.',
    remediation: 'Split the target, or check what makes its output grow (generators, repeated components).'
  }),
  diagnostic({
    id: 'kustomize-not-found',
    title: 'No kustomize to render with',
    ...UNCHECKED,
    rationale: 'Kustomize targets are rendered with the `kustomize` binary or `kubectl kustomize`; with neither on the PATH they cannot be checked.',
    remediation: 'Install kustomize or kubectl on the runner (GitHub-hosted runners have both).'
  }),
  diagnostic({
    id: 'target-not-found',
    title: 'Configured target not found',
    ...UNCHECKED,
    rationale: 'A target named in the configuration that does not exist is not checked, which usually means the configuration went stale after a move.',
    remediation: 'Fix the `targets:` entry in `.gitops-gate.yaml` to name an existing kustomization, chart or manifest folder.'
  }),
  diagnostic({
    id: 'helm-render-failed',
    title: 'Helm chart cannot be rendered',
    ...UNCHECKED,
    rationale: 'A chart that fails to render for a release (a template error, a failed `required`, values that break the schema) is not checked, and would fail at deploy time too.',
    remediation: 'Fix the template or values named in the message; render it locally with `gitops-gate template` to see the same error.'
  }),
  diagnostic({
    id: 'helm-not-found',
    title: 'No helm binary for `renderer: helm`',
    ...UNCHECKED,
    rationale: 'The configuration asks for charts to be rendered by the helm binary, and none is on the PATH, so the charts are not checked.',
    remediation: 'Install helm on the runner, or remove `renderer: helm` to use the built-in renderer (no binary needed).'
  }),
  diagnostic({
    id: 'ambiguous-yaml',
    title: 'YAML that readers disagree on',
    ...UNCHECKED,
    rationale:
      'A key given twice under spellings Go reads as one field, or given both directly and through a merge key (`<<`), is read differently by different YAML readers. kustomize could act on a value the reviewer never saw, so the gate refuses the file instead of guessing.',
    remediation: 'Write each key once, in its usual spelling, and avoid merge keys that override explicit keys.'
  }),
  diagnostic({
    id: 'kustomization-not-rendered',
    title: 'Kustomization not rendered',
    ...UNCHECKED,
    rationale:
      'A kustomization (or one it includes) that cannot be read unambiguously is never handed to kustomize, so nothing the target deploys is checked. The finding on the kustomization file itself says why it could not be read.',
    remediation: 'Fix the kustomization named in the related finding; `kustomize build` on the folder must work with plain, unambiguous YAML.'
  }),
  diagnostic({
    id: 'scan-time-budget',
    title: 'Scan time budget exhausted',
    ...UNCHECKED,
    rationale:
      'The scan has a time budget for the whole run (`limits.scanTimeoutSeconds`), so that a pull request cannot keep a runner busy for hours. Targets not reached when it ran out are not checked.',
    remediation: 'Find the slow targets (render timeouts in the same report), raise `limits.scanTimeoutSeconds`, or split the scan over several jobs with `include`/`exclude`.'
  }),
  ...admissionRules()
];

/**
 * The organisation's ValidatingAdmissionPolicies (config `admissionPolicies`), run before merge: one rule per
 * validation action of the binding, and one for what could not be evaluated.
 */
function admissionRules(): DiagnosticRule[] {
  const docs = { docs: ['https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/'] };
  const tags = ['security', 'admission-policy'];
  const rationale = (action: string) =>
    `A ValidatingAdmissionPolicy of the organisation, bound with \`validationActions: [${action}]\`, rejects this object. The cluster would ${action === 'Deny' ? 'refuse it at sync time, leaving the change half applied' : action === 'Warn' ? 'accept it with a warning nobody reads in a GitOps sync' : 'accept it and record the violation in its audit log'}; the pull request is where to fix it.`;
  const remediation = 'Change the object so that the policy\'s validation holds (the message says which), or change the policy or its binding in a reviewed pull request of its own.';
  return [
    { id: 'admission-policy-deny', title: 'ValidatingAdmissionPolicy denies the object', severity: 'high', securitySeverity: 7.0, category: 'admission', references: docs, tags, coverage: false, rationale: rationale('Deny'), remediation },
    { id: 'admission-policy-warn', title: 'ValidatingAdmissionPolicy warns about the object', severity: 'medium', securitySeverity: 5.0, category: 'admission', references: docs, tags, coverage: false, rationale: rationale('Warn'), remediation },
    { id: 'admission-policy-audit', title: 'ValidatingAdmissionPolicy audits the object', severity: 'low', securitySeverity: 3.0, category: 'admission', references: docs, tags, coverage: false, rationale: rationale('Audit'), remediation },
    {
      id: 'admission-policy-not-checked',
      title: 'ValidatingAdmissionPolicy could not be evaluated before merge',
      ...UNCHECKED,
      category: 'admission',
      references: docs,
      tags: [...tags, 'coverage'],
      rationale:
        'The policy matches the object but cannot be evaluated offline: it asks the authorizer or reads the requesting user, uses a CEL feature this build does not evaluate, reads a Namespace that is not rendered with the object, or does not compile. Whether the cluster admits the object is unknown, so the change is not checked against it.',
      remediation: 'Render the Namespace with the objects it holds, or keep policies the gate must run to what can be decided from the objects (the message names the reason).'
    }
  ];
}

const BY_ID = new Map(DIAGNOSTIC_RULES.map((r) => [r.id, r]));

/** Whether findings of this rule mean that something the scan selected was not checked. */
export function isCoverageRule(id: string): boolean {
  return BY_ID.get(id)?.coverage === true;
}

export function isDiagnosticRuleId(id: string): boolean {
  return BY_ID.has(id);
}

export function diagnosticRule(id: string): RuleMeta | undefined {
  return BY_ID.get(id);
}
