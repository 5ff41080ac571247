/** Scan progress: a live line on a terminal, timed lines in a log, repository text made safe. */
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { createProgress, DEFAULT_PROGRESS_INTERVAL_MS, progressIntervalMs, progressLine } from '../../src/report/progress.js';
import type { ScanProgress } from '../../src/run.js';

const event = (index: number, target = `helm:charts/app-${index}@prod`, phase: ScanProgress['phase'] = 'head'): ScanProgress => ({ phase, target, index, total: 4 });

describe('progressLine', () => {
  test('names the place, the total and the target; the base revision says so', () => {
    expect(progressLine(event(2))).toBe('rendering 2/4 helm:charts/app-2@prod');
    expect(progressLine(event(3, 'kustomize:apps/prod', 'base'))).toBe('rendering base 3/4 kustomize:apps/prod');
  });

  test('a target id cannot move the cursor or end the line', () => {
    expect(progressLine(event(1, 'helm:x\u001b[2J\ny'))).toBe('rendering 1/4 helm:x\\u001b[2J\\ny');
  });
});

describe('progressIntervalMs', () => {
  test('GITOPS_GATE_PROGRESS_INTERVAL_MS, when a whole number; else the default', () => {
    expect(progressIntervalMs({})).toBe(DEFAULT_PROGRESS_INTERVAL_MS);
    expect(progressIntervalMs({ GITOPS_GATE_PROGRESS_INTERVAL_MS: '0' })).toBe(0);
    expect(progressIntervalMs({ GITOPS_GATE_PROGRESS_INTERVAL_MS: '250' })).toBe(250);
    expect(progressIntervalMs({ GITOPS_GATE_PROGRESS_INTERVAL_MS: 'soon' })).toBe(DEFAULT_PROGRESS_INTERVAL_MS);
  });
});

describe('createProgress', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  test('on a terminal: one line rewritten in place, cut to the width, cleared at the end', () => {
    const written: string[] = [];
    const progress = createProgress({ live: true, columns: 30, intervalMs: 5000, write: (t) => written.push(t) });
    progress.onProgress(event(1, 'manifests:a'));
    progress.onProgress(event(2));
    progress.stop();
    expect(written).toEqual(['\r\u001b[Krendering 1/4 manifests:a', '\r\u001b[Krendering 2/4 helm:charts/ap…', '\r\u001b[K']);
    // A terminal that does not say its width (0 columns) gets 80.
    const unknown: string[] = [];
    createProgress({ live: true, columns: 0, intervalMs: 5000, write: (t) => unknown.push(t) }).onProgress(event(2));
    expect(unknown).toEqual(['\r\u001b[Krendering 2/4 helm:charts/app-2@prod']);
  });

  test('in a log: a line when the interval has passed since the last one, and again while one target takes long', () => {
    jest.useFakeTimers({ now: 0 });
    const written: string[] = [];
    const progress = createProgress({ live: false, intervalMs: 5000, write: (t) => written.push(t) });
    // Discovery took six seconds: the first target is printed as it starts.
    jest.advanceTimersByTime(6000);
    expect(written).toEqual([]);
    progress.onProgress(event(1));
    expect(written).toEqual(['rendering 1/4 helm:charts/app-1@prod']);
    jest.advanceTimersByTime(1000);
    progress.onProgress(event(2));
    jest.advanceTimersByTime(3000);
    expect(written).toHaveLength(1);
    // The timer runs every five seconds: at 10 s the last line is only four seconds old; at 15 s it prints target 2.
    jest.advanceTimersByTime(6000);
    expect(written).toEqual(['rendering 1/4 helm:charts/app-1@prod', 'rendering 2/4 helm:charts/app-2@prod']);
    progress.onProgress(event(3));
    progress.onProgress(event(4));
    expect(written).toHaveLength(2);
    // At 20 s target 4 (started at 16 s) is printed; at 25 s again, with the time it has taken.
    jest.advanceTimersByTime(4000);
    expect(written.slice(2)).toEqual(['rendering 4/4 helm:charts/app-4@prod']);
    jest.advanceTimersByTime(5000);
    expect(written.slice(2)).toEqual(['rendering 4/4 helm:charts/app-4@prod', 'rendering 4/4 helm:charts/app-4@prod (9 s)']);
    progress.stop();
    jest.advanceTimersByTime(60_000);
    expect(written).toHaveLength(4);
  });

  test('in a log with interval 0: a line per target', () => {
    const written: string[] = [];
    const progress = createProgress({ live: false, intervalMs: 0, write: (t) => written.push(t) });
    for (let i = 1; i <= 4; i++) progress.onProgress(event(i));
    progress.stop();
    expect(written).toEqual([1, 2, 3, 4].map((i) => `rendering ${i}/4 helm:charts/app-${i}@prod`));
  });
});
