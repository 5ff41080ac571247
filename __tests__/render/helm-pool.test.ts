/**
 * The Helm render process: a render that exhausts its memory is stopped and reported as out of memory, only the
 * render process dies (the test's own process goes on), and the next render runs in a fresh process.
 */
import { describe, expect, test } from '@jest/globals';
import { HELM_WORKER_MEMORY, renderOnWorker, type PoolResult, type WorkerMemoryLimits } from '../../src/render/helm-pool.js';
import { tempDir, writeTree } from '../helpers/temp-repo.js';

const chartYaml = (name: string): string => `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`;
/** Small limits, so that the hogs below reach them in a moment. */
const SMALL: WorkerMemoryLimits = { heapMb: 96, semiSpaceMb: 4, residentMb: 512 };

const root = tempDir();
writeTree(root, {
  // Lists of 9 million numbers, kept: the heap fills with small objects, then a large array is allocated.
  'heap/Chart.yaml': chartYaml('heap'),
  'heap/templates/cm.yaml': '{{- $kept := list }}\n{{- range until 20 }}\n{{- $kept = append $kept (until 9000000) }}\n{{- end }}\nkind: ConfigMap\n',
  // Strings of 10 MB made by a function that returns them outside the V8 heap, kept: only the resident size grows.
  'offheap/Chart.yaml': chartYaml('offheap'),
  'offheap/templates/cm.yaml': '{{- $kept := list }}\n{{- range until 400 }}\n{{- $kept = append $kept (repeat 8000000 "x" | b64enc) }}\n{{- end }}\nkind: ConfigMap\n',
  'good/Chart.yaml': chartYaml('good'),
  'good/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Chart.Name }}\n'
});

function render(chartDir: string, memory = SMALL): Promise<PoolResult> {
  return renderOnWorker({ root, maxFileBytes: 1 << 20, chartDir, options: { releaseName: 'rel', namespace: 'ns', timeoutMs: 60_000 } }, 120_000, memory);
}

function contents(result: PoolResult): string[] {
  return result.ok ? result.manifests.map((m) => m.content) : [JSON.stringify(result)];
}

/** The render of `chart` is stopped as out of memory for `reason`; the next render, in a new process, succeeds. */
async function expectOutOfMemory(chart: string, reason: string): Promise<void> {
  expect(await render(chart)).toEqual({ id: expect.any(Number), ok: false, crash: `the render ran out of memory: ${reason}, and was stopped`, outOfMemory: true });
  expect(contents(await render('good'))).toEqual(['apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good']);
}

describe('memory limits of the Helm render process', () => {
  test('a render that fills the heap is stopped as out of memory; the next render succeeds', async () => {
    await expectOutOfMemory('heap', 'it needed more than the 96 MB of heap a Helm render may use');
  });

  (process.platform === 'linux' ? test : test.skip)('a render that grows outside the heap is stopped at the resident limit; the next render succeeds', async () => {
    await expectOutOfMemory('offheap', 'it held more than the 512 MB of memory a Helm render may use');
  });

  test('with the default limits, renders run one after another', async () => {
    const [first, second] = await Promise.all([render('good', HELM_WORKER_MEMORY), render('good', HELM_WORKER_MEMORY)]);
    expect(contents(first)).toEqual(['apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good']);
    expect(contents(second)).toEqual(contents(first));
  });
});
