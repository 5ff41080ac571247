/**
 * Provenance segments are cut by binary search (output.ts) and moved past removed "<no value>" text by binary
 * search (engine.ts): the answers must be exactly those of a scan over every segment.
 */
import { describe, expect, test } from '@jest/globals';
import type { ProvenanceSegment } from '../../src/render/gotemplate/index.js';
import { stripNoValue } from '../../src/render/helm/engine.js';
import { firstSegmentEndingAfter, segmentsOverlapping, sliceSegments } from '../../src/render/helm/output.js';

/** A small deterministic generator (the tests must not vary from run to run). */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

/** Segments as the engine writes them: in output order, never overlapping, some adjacent, some with gaps. */
function segments(next: () => number, count: number): ProvenanceSegment[] {
  const out: ProvenanceSegment[] = [];
  let pos = 0;
  for (let i = 0; i < count; i++) {
    pos += next() < 0.5 ? 0 : Math.floor(next() * 5);
    const len = 1 + Math.floor(next() * 6);
    out.push({ start: pos, end: pos + len, template: 't', source: 't', line: i + 1, kind: next() < 0.5 ? 'text' : 'action' });
    pos += len;
  }
  return out;
}

describe('segment lookups', () => {
  test('segmentsOverlapping and sliceSegments equal a scan over every segment', () => {
    const next = random(7);
    for (let round = 0; round < 50; round++) {
      const segs = segments(next, Math.floor(next() * 60));
      const last = segs.length > 0 ? segs[segs.length - 1].end : 0;
      for (let q = 0; q < 40; q++) {
        const start = Math.floor(next() * (last + 4)) - 2;
        const end = start + Math.floor(next() * 20);
        expect(segmentsOverlapping(segs, start, end)).toEqual(segs.filter((s) => s.end > start && s.start < end));
        expect(sliceSegments(segs, start, end)).toEqual(
          segs.filter((s) => !(s.end <= start || s.start >= end)).map((s) => ({ ...s, start: Math.max(s.start, start) - start, end: Math.min(s.end, end) - start }))
        );
        const i = firstSegmentEndingAfter(segs, start);
        expect(i).toBe(segs.findIndex((s) => s.end > start) === -1 ? segs.length : segs.findIndex((s) => s.end > start));
      }
    }
  });

  test('stripNoValue moves every offset as removing each occurrence in turn would', () => {
    const NV = '<no value>';
    /** The offsets after removal, one occurrence at a time (a segment inside one shrinks to its start). */
    const naive = (output: string, segs: ProvenanceSegment[]): ProvenanceSegment[] => {
      const removed: number[] = [];
      for (let i = output.indexOf(NV); i !== -1; i = output.indexOf(NV, i + NV.length)) removed.push(i);
      const map = (off: number) => off - removed.reduce((shift, r) => shift + Math.max(0, Math.min(off, r + NV.length) - r), 0);
      return segs.map((s) => ({ ...s, start: map(s.start), end: map(s.end) })).filter((s) => s.end > s.start);
    };
    const next = random(11);
    for (let round = 0; round < 50; round++) {
      let output = '';
      while (output.length < 400) output += next() < 0.3 ? NV : 'abcdefghij'.slice(0, 1 + Math.floor(next() * 9));
      output += NV;
      // Segments cut at random points, so some start or end inside an occurrence.
      const segs: ProvenanceSegment[] = [];
      for (let pos = 0; pos < output.length; ) {
        const end = Math.min(output.length, pos + 1 + Math.floor(next() * 14));
        segs.push({ start: pos, end, template: 't', source: 't', line: segs.length + 1, kind: 'text' });
        pos = end;
      }
      const stripped = stripNoValue(output, segs);
      expect(stripped.output).toBe(output.split(NV).join(''));
      expect(stripped.segments).toEqual(naive(output, segs));
    }
  });
});
