/**
 * The pod as the Pod Security Standards checks read it, and the few helpers every check shares: walking the
 * containers, reading security contexts, quoting names and building violations in pod-security-admission's
 * words (`<forbidden reason> (<detail>)`).
 *
 * Paths in violations are relative to the pod-shaped object ({metadata, spec}): ['spec', 'containers', 0, ...].
 */
import { containersOf, type ContainerField } from '../../objects/podspec.js';
import { isRecord, type JsonPath } from '../../objects/types.js';
import type { Violation } from '../types.js';

/** A pod, or the pod template of a workload: what pod-security-admission evaluates. */
export interface PssPod {
  metadata: Record<string, unknown>;
  spec: Record<string, unknown>;
}

export interface PodContainer {
  field: ContainerField;
  name: string;
  /** Path from the pod root: ['spec', 'initContainers', 0]. */
  path: JsonPath;
  container: Record<string, unknown>;
  /** `securityContext`, when it is an object (Go's non-nil pointer). */
  securityContext: Record<string, unknown> | undefined;
}

/** The value when it is an object; JSON null and other shapes read as Go's nil. */
export function recordOf(value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined;
}

/** The value when it is a list; anything else reads as an empty list. */
export function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Every container, init container and ephemeral container of the pod (pod-security-admission visits all three). */
export function podContainers(pod: PssPod): PodContainer[] {
  return containersOf(pod.spec).map((ref) => ({
    field: ref.field,
    name: ref.name,
    path: ['spec', ...ref.path],
    container: ref.container,
    securityContext: recordOf(ref.container.securityContext)
  }));
}

/** `spec.securityContext`, when set. */
export function podSecurityContext(pod: PssPod): Record<string, unknown> | undefined {
  return recordOf(pod.spec.securityContext);
}

export const POD_SECURITY_CONTEXT_PATH: JsonPath = ['spec', 'securityContext'];

export function securityContextPath(container: PodContainer): JsonPath {
  return [...container.path, 'securityContext'];
}

/**
 * `spec.os.name: windows`. Pod API validation forbids Linux-only security fields on such pods, so several
 * restricted checks exempt them from policy v1.25 (when `spec.os` became the way to say which OS a pod runs).
 */
export function isWindowsPod(pod: PssPod): boolean {
  return recordOf(pod.spec.os)?.name === 'windows';
}

/**
 * `spec.hostUsers: false`: the pod runs in its own user namespace, so root inside it is not root on the node
 * (KEP-127). From policy v1.35 this relaxes runAsNonRoot, runAsUser and the baseline procMount check.
 */
export function usesUserNamespace(pod: PssPod): boolean {
  return pod.spec.hostUsers === false;
}

/** Quotes a value the way Go's %q does for the plain strings found in pod specs. */
export function quote(value: string): string {
  return JSON.stringify(value);
}

/** `container "app"` */
export function describeContainer(container: PodContainer): string {
  return `container ${quote(container.name)}`;
}

/** A violation in pod-security-admission's words: the forbidden reason, then the detail in parentheses. */
export function violation(path: JsonPath, reason: string, detail: string): Violation {
  return { path, message: `${reason} (${detail})` };
}

/** Go's pluralize: the singular form for exactly one item. */
export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** Go's joinQuote: each value quoted, comma-separated. */
export function joinQuote(values: readonly string[]): string {
  return values.map(quote).join(', ');
}

/** A field a container may set itself or inherit from the pod-level security context. */
export interface InheritedField {
  /** Path below `securityContext`, e.g. ['runAsNonRoot']. */
  field: JsonPath;
  /** Whether this security context sets the field at all (to a good value or a bad one). */
  isSet(securityContext: Record<string, unknown> | undefined): boolean;
  reason: string;
  /** What must be done, e.g. `must set securityContext.runAsNonRoot=true`. */
  requirement: string;
}

/**
 * Violations for containers that neither set `spec.field` nor inherit it from the pod. When the pod sets it,
 * there are none here: a good pod-level value covers every container, and a bad one is its own violation.
 * When no container sets it either, one violation points at the pod-level field, where setting it once fixes
 * every container; otherwise each container that left it unset gets its own.
 */
export function unsetInheritedField(pod: PssPod, spec: InheritedField): Violation[] {
  if (spec.isSet(podSecurityContext(pod))) return [];
  const containers = podContainers(pod);
  const unset = containers.filter((c) => !spec.isSet(c.securityContext));
  if (unset.length === 0) return [];
  if (unset.length === containers.length) {
    const who = `${pluralize('container', 'containers', unset.length)} ${joinQuote(unset.map((c) => c.name))}`;
    return [violation([...POD_SECURITY_CONTEXT_PATH, ...spec.field], spec.reason, `pod or ${who} ${spec.requirement}`)];
  }
  return unset.map((c) => violation([...securityContextPath(c), ...spec.field], spec.reason, `pod or ${describeContainer(c)} ${spec.requirement}`));
}

/** A string value, or undefined for anything else (missing, null, or a shape the API would reject). */
export function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
