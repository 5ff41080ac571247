/** Relation analyzers: checks over a set of objects rendered together, each finding on one object. */
import type { JsonPath, KubeObject } from '../../objects/types.js';

/** One finding of an analyzer: the object and field it is about, and the objects that explain it. */
export interface SetViolation {
  object: KubeObject;
  path: JsonPath;
  message: string;
  related?: { object: KubeObject; path: JsonPath; label: string }[];
}

export interface Analyzer {
  name: string;
  description: string;
  /** Rejects unknown or malformed params with an Error. */
  validate(params: Record<string, unknown>): void;
  run(objects: readonly KubeObject[], params: Record<string, unknown>): SetViolation[];
}

/** `validate` for an analyzer without parameters. */
export function noParameters(params: Record<string, unknown>): void {
  if (Object.keys(params).length > 0) throw new Error('takes no parameters');
}
