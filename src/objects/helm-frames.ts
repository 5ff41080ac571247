/**
 * The template line a person edits for a piece of Helm output. Output printed inside named templates carries the
 * chain of calls that led there (the `include` line in the chart's template, the helpers' own lines): the
 * location is the deepest of those lines in the chart whose template is rendered (its own `templates/`, helpers
 * included: a literal in the chart's own helper is edited there), never a line of a dependency such as bitnami's
 * `common` library, which a person does not edit: they edit the call (or its arguments). The chain's other lines
 * are related: the rendered template's line (`template`), an own helper (`helper`), the innermost line of a
 * dependency (`dependency helper`).
 * A line inside a packaged chart (`charts/x.tgz`) is reported on the archive, the repository file, with the entry
 * and line in the related location's label; never on a stand-in such as `Chart.yaml:1`. A chart fetched from a
 * repository is reported on the Chart.yaml line that declares it, the label naming the chart and its version.
 */
import type { ProvenanceCall, ProvenanceSegment, SkippedBranch } from '../render/gotemplate/index.js';
import type { RelatedLocation, SourceLocation } from './types.js';

/** One line of a call chain: a call site, or where the output itself was written. */
export interface Frame {
  source: string;
  line: number;
}

export interface FrameResolver {
  /** Repository path of a template, when it is a repository file. */
  templateFile(source: string): string | undefined;
  /** Where a template came from, `archive.tgz!/entry` for a packaged chart (optional). */
  templateOrigin?(source: string): string | undefined;
  /**
   * Where a person looks for an archive that is not a repository file (a dependency fetched from a repository:
   * the Chart.yaml line that declares it), with words naming the chart and its version.
   */
  archivePlace?(archive: string): { location: SourceLocation; label: string } | undefined;
  /** Location when nothing better is known. */
  fallback: SourceLocation;
}

/** Outermost call first, the writing line last. */
export function framesOf(item: ProvenanceSegment | SkippedBranch): Frame[] {
  const calls: readonly ProvenanceCall[] = item.calls ?? [];
  return [...calls.map((c) => ({ source: c.source, line: c.line })), { source: item.source, line: item.line }];
}

/** `web/charts/db/templates/x.yaml` -> `web/charts/db/`: the chart a template belongs to (its name as the engine knows it). */
export function chartOfTemplate(source: string): string {
  const i = source.lastIndexOf('/templates/');
  return i < 0 ? source : source.slice(0, i + 1);
}

export class Frames {
  private readonly ownChart: string;

  constructor(
    private readonly resolver: FrameResolver,
    renderedSource: string
  ) {
    this.ownChart = chartOfTemplate(renderedSource);
  }

  /** Whether a frame's line is in the rendered template's own chart (not in one of its dependencies). */
  isOwn(frame: Frame): boolean {
    return frame.source.startsWith(`${this.ownChart}templates/`);
  }

  /** Index of the frame a person edits: the deepest one in the rendered chart, else the outermost. */
  editIndex(frames: readonly Frame[]): number {
    for (let i = frames.length - 1; i >= 0; i--) if (this.isOwn(frames[i])) return i;
    return 0;
  }

  /** The location of one frame: its repository line, the archive it is packed in, or the fallback. */
  locationOf(frame: Frame): { location: SourceLocation; entry?: string } {
    const file = this.resolver.templateFile(frame.source);
    if (file) return { location: { file, line: frame.line } };
    const origin = this.resolver.templateOrigin?.(frame.source);
    const cut = origin ? origin.indexOf('!/') : -1;
    if (origin && cut > 0) {
      const archive = origin.slice(0, cut);
      const entry = `${origin.slice(cut + 2)}:${frame.line}`;
      const remote = this.resolver.archivePlace?.(archive);
      return remote ? { location: remote.location, entry: `${remote.label} ${entry}` } : { location: { file: archive, line: 1 }, entry };
    }
    return { location: this.resolver.fallback };
  }

  /** Whether the line a person edits for this chain is inside a packaged chart. */
  isPacked(frames: readonly Frame[]): boolean {
    return this.locationOf(frames[this.editIndex(frames)]).entry !== undefined;
  }

  /**
   * The lines of a chain as related locations: the rendered template's line (`template`), the edit line when it is
   * a helper (`helper`) and the innermost line when deeper (`helper`, or `dependency helper` outside the chart);
   * a packed line's label names its archive entry. `except` leaves out one frame (the location itself).
   */
  related(frames: readonly Frame[], except?: number): RelatedLocation[] {
    const out: RelatedLocation[] = [];
    const last = frames.length - 1;
    for (const i of new Set([0, this.editIndex(frames), last])) {
      if (i === except) continue;
      out.push(this.relatedFrame(frames[i], i === 0 ? 'template' : this.isOwn(frames[i]) ? 'helper' : 'dependency helper'));
    }
    return out;
  }

  /** One frame as a related location; a packed one's label names its archive entry. */
  relatedFrame(frame: Frame, label: string): RelatedLocation {
    const { location, entry } = this.locationOf(frame);
    return { ...location, label: entry ? `${label} ${entry}` : label };
  }

  /** The line a person edits for a chain, with the chain's other lines (and the archive entry when packed) related. */
  place(frames: readonly Frame[]): { location: SourceLocation; related: RelatedLocation[] } {
    const at = this.editIndex(frames);
    const { location, entry } = this.locationOf(frames[at]);
    const related = this.related(frames, at);
    return { location, related: entry ? [{ ...location, label: `in archive ${entry}` }, ...related] : related };
  }
}
