/** Kubernetes label selectors (`matchLabels`, `matchExpressions`), evaluated over a lookup of label values. */
import { getAt, isRecord, type KubeObject } from './types.js';

/**
 * Whether `selector` selects what `get` describes: every `matchLabels` pair equal, every expression true (`In`,
 * `NotIn`, `Exists`, `DoesNotExist`; an unknown operator selects nothing). An empty selector selects everything.
 */
export function selectorMatches(selector: Record<string, unknown>, get: (key: string) => string | undefined): boolean {
  const labels = isRecord(selector.matchLabels) ? selector.matchLabels : {};
  if (!Object.entries(labels).every(([k, v]) => get(k) === String(v))) return false;
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions.filter(isRecord) : [];
  return expressions.every((e) => {
    const value = get(String(e.key));
    const values = Array.isArray(e.values) ? e.values.map(String) : [];
    switch (e.operator) {
      case 'In':
        return value !== undefined && values.includes(value);
      case 'NotIn':
        return value === undefined || !values.includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        return false;
    }
  });
}

/** An object's own labels (`metadata.labels`), values as strings. */
export function labelsOf(object: Pick<KubeObject, 'body'>): Record<string, string> {
  const labels = getAt(object.body, ['metadata', 'labels']);
  return isRecord(labels) ? Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)])) : {};
}
