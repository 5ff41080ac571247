/**
 * Scan progress for a person watching (the CLI's standard error, the action's log): which target is rendering, as
 * `rendering 12/94 helm:charts/x@prod`. On a terminal it is one live line, rewritten in place and cleared at the
 * end; elsewhere (CI logs, files) a line at most every `intervalMs`, and again while one target takes longer, so
 * a long scan shows that it is alive without flooding the log. Rule: progress says what the gate is doing, never
 * what it found, and repository text in it (target ids) is made safe for a terminal.
 */
import type { ScanProgress } from '../run.js';
import { truncate } from './common.js';
import { sanitizeForTerminal } from './text.js';

export interface ProgressSink {
  /** Writes text as given (live mode) or one line without its line break (log mode). */
  write(text: string): void;
  /** A terminal: one line rewritten in place. */
  live: boolean;
  /** Terminal width, so that the live line stays on one row (unknown or 0: 80). */
  columns?: number;
  /** Log mode: the least time between two lines. */
  intervalMs: number;
}

export interface Progress {
  /** For ScanRequest.onProgress. */
  onProgress(event: ScanProgress): void;
  /** Stops the timer and clears the live line; call before printing the report. */
  stop(): void;
}

/** Default time between two progress lines in a log (the GITOPS_GATE_PROGRESS_INTERVAL_MS variable overrides it). */
export const DEFAULT_PROGRESS_INTERVAL_MS = 5000;

/** The interval from the environment, or the default: a whole number of milliseconds, 0 for a line per target. */
export function progressIntervalMs(env: NodeJS.ProcessEnv): number {
  const raw = env.GITOPS_GATE_PROGRESS_INTERVAL_MS;
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : DEFAULT_PROGRESS_INTERVAL_MS;
}

/** `rendering 12/94 helm:charts/x@prod`, `rendering base 3/10 kustomize:apps/prod`. */
export function progressLine(event: ScanProgress): string {
  return `rendering ${event.phase === 'base' ? 'base ' : ''}${event.index}/${event.total} ${sanitizeForTerminal(event.target)}`;
}

const CLEAR_LINE = '\r\u001b[K';

export function createProgress(sink: ProgressSink, now: () => number = Date.now): Progress {
  let current: { event: ScanProgress; since: number; printed: boolean } | undefined;
  let lastLine = now();
  let timer: NodeJS.Timeout | undefined;

  /** The current target; again with the time it has taken so far when it was already printed. */
  const print = () => {
    if (!current) return;
    lastLine = now();
    sink.write(`${progressLine(current.event)}${current.printed ? ` (${Math.round((now() - current.since) / 1000)} s)` : ''}`);
    current.printed = true;
  };

  if (!sink.live && sink.intervalMs > 0) {
    timer = setInterval(() => {
      if (current && now() - lastLine >= sink.intervalMs) print();
    }, Math.max(sink.intervalMs, 1000));
    timer.unref();
  }

  return {
    onProgress(event) {
      current = { event, since: now(), printed: false };
      if (sink.live) {
        const width = Math.max(20, (sink.columns || 80) - 1);
        sink.write(`${CLEAR_LINE}${truncate(progressLine(event), width)}`);
      } else if (now() - lastLine >= sink.intervalMs) {
        print();
      }
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (sink.live && current) sink.write(CLEAR_LINE);
      current = undefined;
    }
  };
}
