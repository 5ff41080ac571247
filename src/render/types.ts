/** What a renderer returns: objects with source maps, and the problems it met (as input errors on files). */
import type { InputError } from '../repo/files.js';
import type { KubeObject } from '../objects/types.js';
import type { ChartSource } from '../fetch/chart-source.js';

export interface RenderOutput {
  objects: KubeObject[];
  errors: InputError[];
  /** What the render could not check as the real tool would, without making the target unchecked (a note each). */
  notes?: string[];
}

export interface RenderOptions {
  /** Wall-clock limit for one target. */
  timeoutMs: number;
  /** Where chart dependencies from Helm repositories and OCI registries come from (none: they are reported). */
  charts?: ChartSource;
}

export const DEFAULT_RENDER_OPTIONS: RenderOptions = { timeoutMs: 60_000 };
