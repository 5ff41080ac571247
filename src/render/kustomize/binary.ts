/**
 * The kustomize process adapter: `kustomize build DIR`, or `kubectl kustomize DIR` when only kubectl is
 * installed. No shell, no plugins, no exec functions, no Helm, default load restrictor (none for a Flux Kustomization, as
 * kustomize-controller builds); bounded time and output;
 * run through ../process.ts inside the walls of ../isolation.ts (no git, no network, no credentials).
 */
import path from 'node:path';
import { runBounded, which, type RunOptions, type RunResult } from '../process.js';

export { DEFAULT_MAX_OUTPUT_BYTES } from '../process.js';
export { which };
export type BuildResult = RunResult;
export type BuildOptions = Omit<RunOptions, 'cwd'> & {
  /** `--load-restrictor LoadRestrictionsNone`, as kustomize-controller builds (files may come from outside the folder). */
  loadRestrictionsNone?: boolean;
};

/** A way to run kustomize: the program and the arguments that come before the folder. */
export class KustomizeBinary {
  constructor(
    readonly command: string,
    readonly args: readonly string[],
    /** Human name for messages (`kustomize`, `kubectl kustomize`). */
    readonly label = [path.basename(command), ...args].join(' ')
  ) {}

  /** Runs the build in `dir`; never throws. */
  build(dir: string, options: BuildOptions): Promise<BuildResult> {
    const { loadRestrictionsNone, ...run } = options;
    const restrictor = loadRestrictionsNone ? ['--load-restrictor', 'LoadRestrictionsNone'] : [];
    return runBounded(this.command, [...this.args, ...restrictor, dir], { cwd: dir, ...run });
  }
}

let detected: KustomizeBinary | null | undefined;

/** `kustomize build` if on PATH, else `kubectl kustomize`, else undefined. Cached for the process. */
export function detectKustomize(): KustomizeBinary | undefined {
  if (detected === undefined) {
    const kustomize = which('kustomize');
    const kubectl = kustomize ? undefined : which('kubectl');
    detected = kustomize
      ? new KustomizeBinary(kustomize, ['build'], 'kustomize build')
      : kubectl
        ? new KustomizeBinary(kubectl, ['kustomize'], 'kubectl kustomize')
        : null;
  }
  return detected ?? undefined;
}
