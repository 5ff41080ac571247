/**
 * One decompression budget per chart load: the chart's archive, its subchart archives and the archives nested in
 * those draw on it together, so an archive of archives cannot multiply the limits.
 */
import { describe, expect, test } from '@jest/globals';
import { gzipSync } from 'node:zlib';
import { RepoFiles } from '../../src/repo/files.js';
import { ArchiveBudget, writeTar } from '../../src/render/helm/archive.js';
import { ChartError, loadChart } from '../../src/render/helm/chart.js';
import { HelmRenderError, renderChart } from '../../src/render/helm/index.js';
import { tempDir, writeTree } from '../helpers/temp-repo.js';

const MiB = 1024 * 1024;
const chartYaml = (name: string): string => `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`;
const tgz = (files: { name: string; data: string | Buffer }[]): Buffer => gzipSync(writeTar(files), { level: 9 });
const SHARED = 'the chart and every archive nested in it count together';

/** Level 0 holds 4 MiB of zeros; level k holds `copies` archives of level k-1 (charts/l<k-1>-<i>.tgz). */
function nestedBomb(levels: number, copies: number): Buffer {
  let archive = tgz([{ name: 'l0/Chart.yaml', data: chartYaml('l0') }, { name: 'l0/zeros.txt', data: Buffer.alloc(4 * MiB) }]);
  for (let k = 1; k <= levels; k++) {
    const files: { name: string; data: string | Buffer }[] = [{ name: `l${k}/Chart.yaml`, data: chartYaml(`l${k}`) }];
    for (let i = 0; i < copies; i++) files.push({ name: `l${k}/charts/l${k - 1}-${i}.tgz`, data: archive });
    archive = tgz(files);
  }
  return archive;
}

function loadError(load: () => unknown): ChartError {
  try {
    load();
  } catch (err) {
    if (err instanceof ChartError) return err;
    throw err;
  }
  throw new Error('the chart loaded');
}

describe('one decompression budget per chart', () => {
  test('a small archive of archives fails at the first nested archive past the limit, without expanding the rest', () => {
    // 5 levels of 4 copies: 1024 leaves of 4 MiB, 4 GiB if each archive had a budget of its own.
    const bomb = nestedBomb(5, 4);
    expect(bomb.length).toBeLessThan(64 * 1024);
    const root = tempDir();
    writeTree(root, { 'bomb.tgz': bomb });
    const budget = new ArchiveBudget();
    const err = loadError(() => loadChart(new RepoFiles(root), 'bomb.tgz', { archiveBudget: budget }));
    // 15 leaves fit in 64 MiB with the archives around them; the 16th (l0-3 in l1-3 in l2-0) does not.
    const nested = 'bomb.tgz!/l5/charts/l4-0.tgz!/l4/charts/l3-0.tgz!/l3/charts/l2-0.tgz!/l2/charts/l1-3.tgz!/l1/charts/l0-3.tgz';
    expect(err.message).toBe(
      'error unpacking subchart l4-0.tgz in l5: error unpacking subchart l3-0.tgz in l4: error unpacking subchart l2-0.tgz in l3: ' +
        'error unpacking subchart l1-3.tgz in l2: error unpacking subchart l0-3.tgz in l1: ' +
        `decompressed chart is larger than the maximum size ${64 * MiB} (reading ${nested}; ${SHARED})`
    );
    expect(err.file).toBe(nested);
    // Never more than the budget was decompressed, over all archives together.
    expect(budget.used.bytes).toBeGreaterThan(60 * MiB);
    expect(budget.used.bytes).toBeLessThanOrEqual(64 * MiB);
  });

  test('through renderChart, the bomb is a HelmRenderError naming the nested archive', () => {
    const root = tempDir();
    writeTree(root, { 'c/Chart.yaml': chartYaml('c'), 'c/charts/bomb.tgz': nestedBomb(4, 4) });
    const started = Date.now();
    let error: unknown;
    try {
      renderChart(new RepoFiles(root), 'c', { releaseName: 'rel', namespace: 'ns' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(HelmRenderError);
    const nested = 'c/charts/bomb.tgz!/l4/charts/l3-0.tgz!/l3/charts/l2-0.tgz!/l2/charts/l1-3.tgz!/l1/charts/l0-3.tgz';
    expect((error as HelmRenderError).file).toBe(nested);
    expect((error as HelmRenderError).helmMessage).toBe(
      'error unpacking subchart bomb.tgz in c: error unpacking subchart l3-0.tgz in l4: error unpacking subchart l2-0.tgz in l3: ' +
        'error unpacking subchart l1-3.tgz in l2: error unpacking subchart l0-3.tgz in l1: ' +
        `decompressed chart is larger than the maximum size ${64 * MiB} (reading ${nested}; ${SHARED})`
    );
    // 64 MiB of gunzip at most, not 1 GiB.
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  test('the archives in a chart folder share the budget too', () => {
    const root = tempDir();
    const files: Record<string, string | Buffer> = { 'c/Chart.yaml': chartYaml('c') };
    for (let i = 0; i < 10; i++) files[`c/charts/s${i}.tgz`] = tgz([{ name: `s${i}/Chart.yaml`, data: chartYaml(`s${i}`) }, { name: `s${i}/blob`, data: Buffer.alloc(MiB) }]);
    writeTree(root, files);
    const limits = { maxTotalBytes: 5 * MiB, maxEntryBytes: 2 * MiB, maxEntries: 1000 };
    // Each archive alone is far below the limit; four fit, the fifth does not.
    const err = loadError(() => loadChart(new RepoFiles(root), 'c', { archiveLimits: limits }));
    expect(err.message).toBe(`error unpacking subchart s4.tgz in c: decompressed chart is larger than the maximum size ${5 * MiB} (reading c/charts/s4.tgz; ${SHARED})`);
    expect(err.file).toBe('c/charts/s4.tgz');
  });

  test('entries are counted over the nested archives together', () => {
    const inner = tgz([{ name: 'b/Chart.yaml', data: chartYaml('b') }, { name: 'b/x', data: '1' }, { name: 'b/y', data: '2' }]);
    const outer = tgz([{ name: 'a/Chart.yaml', data: chartYaml('a') }, { name: 'a/z', data: '3' }, { name: 'a/charts/b.tgz', data: inner }]);
    const root = tempDir();
    writeTree(root, { 'a.tgz': outer });
    const limits = { maxTotalBytes: MiB, maxEntryBytes: MiB, maxEntries: 5 };
    // 3 entries in each archive: either alone is within 5, both together are not.
    expect(loadChart(new RepoFiles(root), 'a.tgz', { archiveLimits: { ...limits, maxEntries: 6 } }).dependencies.map((d) => d.metadata.name)).toEqual(['b']);
    const err = loadError(() => loadChart(new RepoFiles(root), 'a.tgz', { archiveLimits: limits }));
    expect(err.message).toBe(`error unpacking subchart b.tgz in a: decompressed chart has more than 5 entries (reading a.tgz!/a/charts/b.tgz; ${SHARED})`);
  });

  test('a file over the per-file limit names the file and the nested archive it is in', () => {
    const inner = tgz([{ name: 'b/Chart.yaml', data: chartYaml('b') }, { name: 'b/big', data: Buffer.alloc(2048) }]);
    const root = tempDir();
    writeTree(root, { 'a/Chart.yaml': chartYaml('a'), 'a/charts/b.tgz': inner });
    const err = loadError(() => loadChart(new RepoFiles(root), 'a', { archiveLimits: { maxTotalBytes: MiB, maxEntryBytes: 1024, maxEntries: 100 } }));
    expect(err.message).toBe('error unpacking subchart b.tgz in a: decompressed chart file "b/big" is larger than the maximum file size 1024 (reading a/charts/b.tgz)');
  });

  test('a chart with several nested subchart archives still loads and renders', () => {
    const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Chart.Name }}-${name}\ndata:\n  v: {{ .Values.v | quote }}\n`;
    const leaf = (name: string) => tgz([
      { name: `${name}/Chart.yaml`, data: chartYaml(name) },
      { name: `${name}/values.yaml`, data: `v: ${name}-default\n` },
      { name: `${name}/templates/cm.yaml`, data: cm(name) }
    ]);
    const mid = tgz([
      { name: 'mid/Chart.yaml', data: chartYaml('mid') },
      { name: 'mid/values.yaml', data: 'v: mid-default\nleaf1:\n  v: from-mid\n' },
      { name: 'mid/templates/cm.yaml', data: cm('mid') },
      { name: 'mid/charts/leaf1-0.1.0.tgz', data: leaf('leaf1') },
      { name: 'mid/charts/leaf2-0.1.0.tgz', data: leaf('leaf2') }
    ]);
    const root = tempDir();
    writeTree(root, {
      'top/Chart.yaml': chartYaml('top'),
      'top/values.yaml': 'v: top\nmid:\n  leaf2:\n    v: from-top\n',
      'top/templates/cm.yaml': cm('top'),
      'top/charts/mid-0.1.0.tgz': mid,
      'top/charts/other-0.1.0.tgz': leaf('other')
    });
    const out = renderChart(new RepoFiles(root), 'top', { releaseName: 'rel', namespace: 'ns' });
    expect(Object.fromEntries(out.manifests.map((m) => [m.source, m.content.split('\n')[3]]))).toEqual({
      'top/templates/cm.yaml': '  name: top-top',
      'top/charts/mid/templates/cm.yaml': '  name: mid-mid',
      'top/charts/mid/charts/leaf1/templates/cm.yaml': '  name: leaf1-leaf1',
      'top/charts/mid/charts/leaf2/templates/cm.yaml': '  name: leaf2-leaf2',
      'top/charts/other/templates/cm.yaml': '  name: other-other'
    });
    const values = Object.fromEntries(out.manifests.map((m) => [m.source, /v: "(.*)"/.exec(m.content)?.[1]]));
    expect(values).toEqual({
      'top/templates/cm.yaml': 'top',
      'top/charts/mid/templates/cm.yaml': 'mid-default',
      'top/charts/mid/charts/leaf1/templates/cm.yaml': 'from-mid',
      'top/charts/mid/charts/leaf2/templates/cm.yaml': 'from-top',
      'top/charts/other/templates/cm.yaml': 'other-default'
    });
  });
});
