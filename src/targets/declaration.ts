/** What every declaration target starts from: its spec, namespace, where it is written, and its problems. */
import { isRecord, type JsonPath, type KubeObject, type SourceLocation } from '../objects/types.js';
import { InputError } from '../repo/files.js';

export interface Declaration {
  spec: Record<string, unknown>;
  /** Its namespace (`default` when it names none). */
  namespace: string;
  at(path: JsonPath): SourceLocation;
  declaredAt: SourceLocation;
  /** Problems that leave the target not rendered. */
  problems: InputError[];
  /** A problem on the declaration's line for `path`, its message naming the declaration. */
  problem(path: JsonPath, reason: string, ruleId: string): InputError;
  /** Records a problem that leaves the target not rendered. */
  refuse(path: JsonPath, reason: string, ruleId?: string): void;
}

export function declaration(object: KubeObject): Declaration {
  const namespace = object.namespace ?? 'default';
  const at = (p: JsonPath): SourceLocation => object.sourceMap.locate(p).location;
  const problems: InputError[] = [];
  const problem = (p: JsonPath, reason: string, ruleId: string) => {
    const where = at(p);
    return new InputError(where.file, `${object.kind} ${namespace}/${object.name}: ${reason}`, ruleId, where.line, where.column);
  };
  return {
    spec: isRecord(object.body.spec) ? object.body.spec : {},
    namespace,
    at,
    declaredAt: at([]),
    problems,
    problem,
    refuse: (p, reason, ruleId = 'declaration-not-rendered') => {
      problems.push(problem(p, reason, ruleId));
    }
  };
}
