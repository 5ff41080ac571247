/** Problems with input files (bad YAML, refused paths, kustomize errors) as findings on the file. */
import path from 'node:path';
import type { InputError } from '../repo/files.js';
import { DIAGNOSTIC_RULES } from '../report/diagnostic-rules.js';
import { digest } from '../util/hash.js';
import type { Finding, Severity } from './types.js';

const SEVERITY_BY_RULE = new Map(DIAGNOSTIC_RULES.map((r) => [r.id, r.severity] as const));

/** A problem with an input, the target that met it, and a digest of the content it is about (see Finding.subjectDigest). */
export interface InputProblem {
  error: InputError;
  target?: string;
  subject?: string;
}

/** One finding per distinct problem; the same problem met by several targets is reported once. */
export function inputFindings(errors: readonly InputProblem[], overrides: Record<string, Severity> = {}): Finding[] {
  const seen = new Set<string>();
  const ordinal = new Map<string, number>();
  const findings: Finding[] = [];
  for (const { error, target, subject } of errors) {
    const file = repositoryPath(error.file);
    const key = `${error.ruleId}\0${file}\0${error.line ?? 0}\0${error.reason}`;
    if (seen.has(key)) continue;
    seen.add(key);
    // The n-th problem of a rule in a file: stable while the problem stays, whatever its line or byte counts.
    const n = (ordinal.get(`${error.ruleId}\0${file}`) ?? 0) + 1;
    ordinal.set(`${error.ruleId}\0${file}`, n);
    findings.push({
      ruleId: error.ruleId,
      severity: overrides[error.ruleId] ?? SEVERITY_BY_RULE.get(error.ruleId) ?? 'medium',
      message: error.reason,
      ...(target ? { target } : {}),
      path: [],
      location: { file, line: error.line ?? 1, ...(error.column ? { column: error.column } : {}) },
      related: [],
      fingerprint: digest('input', error.ruleId, file, String(n)),
      ...(subject !== undefined ? { subjectDigest: subject } : {}),
      status: 'new'
    });
  }
  return findings;
}

/** `./Chart.yaml` -> `Chart.yaml`, `a//b/./c` -> `a/b/c`: the path as every report writes repository files. */
function repositoryPath(file: string): string {
  return file === '' ? file : path.posix.normalize(file).replace(/^\.\//, '');
}
