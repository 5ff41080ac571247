import { describe, expect, it } from '@jest/globals';
import {
  annotationLevel,
  buildAnnotations,
  escapeCommandData,
  escapeCommandProperty,
  formatWorkflowCommand,
  MAX_ANNOTATION_MESSAGE,
  workflowCommand,
  type Annotation
} from '../../src/report/annotations.js';
import { runnerCommands } from '../helpers/runner-commands.js';
import { finding, manyFindings, RULES, sampleFindings } from '../helpers/report-fixtures.js';

describe('buildAnnotations', () => {
  it('annotates new findings only, most severe first, with rule titles and remediation', () => {
    const out = buildAnnotations(sampleFindings(), { rules: RULES });
    expect(out.map((a) => [a.level, a.file, a.line])).toEqual([
      ['error', 'charts/api/values.yaml', 12],
      ['error', 'overlays/prod/kustomization.yaml', 1],
      ['warning', 'deploy/broken.yaml', 14],
      ['warning', 'overlays/prod/patch image.yaml', 7]
    ]);
    expect(out[0]).toEqual({
      level: 'error',
      file: 'charts/api/values.yaml',
      line: 12,
      col: 5,
      title: 'CRITICAL pss-privileged: Privileged containers',
      message: [
        'Deployment payments/api: container "api" runs privileged (spec.template.spec.containers[0].securityContext.privileged).',
        'template: charts/api/templates/deployment.yaml:30',
        'values: charts/api/values.yaml:12',
        'Fix: Remove `securityContext.privileged` or set it to false.'
      ].join('\n')
    });
    // Without rule metadata: the id alone.
    expect(buildAnnotations(sampleFindings())[1].title).toBe('HIGH path-outside-repository');
  });

  it('maps severities to levels', () => {
    expect(['critical', 'high', 'medium', 'low'].map((s) => annotationLevel(s as never))).toEqual(['error', 'error', 'warning', 'notice']);
  });

  it('keeps within 10 per level by default (the runner shows no more per step)', () => {
    const out = buildAnnotations(manyFindings(200));
    const count = (level: Annotation['level']) => out.filter((a) => a.level === level).length;
    expect([count('error'), count('warning'), count('notice')]).toEqual([10, 10, 10]);
    // Critical before high within the error slots.
    expect(out.slice(0, 10).every((a) => a.title.startsWith('CRITICAL'))).toBe(true);
    expect(out.map((a) => a.level)).toEqual([...Array(10).fill('error'), ...Array(10).fill('warning'), ...Array(10).fill('notice')]);
  });

  it('takes other limits, per level or for all', () => {
    const findings = manyFindings(40);
    expect(buildAnnotations(findings, { maxPerLevel: 2 })).toHaveLength(6);
    const out = buildAnnotations(findings, { maxPerLevel: { error: 1, notice: 0 } });
    expect(out.map((a) => a.level)).toEqual(['error', ...Array(10).fill('warning')]);
  });

  it('truncates long messages to what the runner keeps', () => {
    const [a] = buildAnnotations([finding({ message: 'x'.repeat(10_000) })]);
    expect(a.message.length).toBe(MAX_ANNOTATION_MESSAGE);
    expect(a.message.endsWith('…')).toBe(true);
  });

  it('is empty without new findings', () => {
    expect(buildAnnotations(sampleFindings().map((f) => ({ ...f, status: 'existing' as const })))).toEqual([]);
  });
});

describe('formatWorkflowCommand', () => {
  it('writes the command with properties', () => {
    const [a] = buildAnnotations([finding({ location: { file: 'a.yaml', line: 3, column: 7, endLine: 3, endColumn: 12 }, message: 'plain' })]);
    expect(formatWorkflowCommand(a)).toBe('::error file=a.yaml,line=3,col=7,endLine=3,endColumn=12,title=CRITICAL pss-privileged::plain');
    expect(formatWorkflowCommand({ level: 'notice', file: 'b.yaml', line: 1, title: '', message: 'm' })).toBe('::notice file=b.yaml,line=1::m');
  });

  it('escapes properties (% CR LF : ,) and data (% CR LF) so repository text cannot inject commands', () => {
    expect(escapeCommandData('100% done\r\n::error::x')).toBe('100%25 done%0D%0A\\::error::x');
    expect(escapeCommandProperty('a:b,c%d\ne')).toBe('a%3Ab%2Cc%25d%0Ae');
    const line = formatWorkflowCommand({
      level: 'warning',
      file: 'dir,x/a:b.yaml',
      line: 2,
      title: 'T: 50%, ok',
      message: 'first line\n::error file=x::forged\r\n%0A'
    });
    expect(line).toBe('::warning file=dir%2Cx/a%3Ab.yaml,line=2,title=T%3A 50%25%2C ok::first line%0A\\::error file=x::forged%0D%0A%250A');
    expect(line).not.toMatch(/[\r\n]/);
  });

  it('escapes every other control character as %XX, which the runner shows as such', () => {
    expect(escapeCommandProperty('a\u0000b\u001b[31mc\u007fd\u0085e\u009ff\tg\u000bh')).toBe('a%00b%1B[31mc%7Fd%85e%9Ff%09g%0Bh');
    expect(escapeCommandData('x\u001b[2Ky\u0007\nz')).toBe('x%1B[2Ky%07%0Az');
    // Only ##[ is defused in a property; with every ':' escaped no '::' is left.
    expect(escapeCommandProperty('##[error]x::y')).toBe('##[\\error]x%3A%3Ay');
    expect(escapeCommandData('a ##[error]b')).toBe('a ##[\\error]b');
  });

  it('the runner reads back exactly one command of ours, with the repository text as its data and properties', () => {
    const file = '::add-mask::secret\r\n::error::forged,x=y.yaml';
    const title = 'HIGH rule\n::warning::t\u001b';
    const message = 'line one\n::set-output name=x::y\r::stop-commands::abc\n##[error]legacy\u0000';
    const line = workflowCommand('error', [['title', title], ['file', file], ['line', 3]], message);
    expect([...line].some((c) => c.charCodeAt(0) < 0x20)).toBe(false);
    for (const ignorable of [false, true]) {
      const { commands, stopTokens } = runnerCommands(line, { ignorable });
      expect(stopTokens).toEqual([]);
      expect(commands).toHaveLength(1);
      expect(commands[0].name).toBe('error');
      expect(Object.keys(commands[0].properties).sort()).toEqual(['file', 'line', 'title']);
      expect(commands[0].properties.line).toBe('3');
    }
    const [read] = runnerCommands(line).commands;
    // Line breaks come back as the runner unescapes them; other controls are shown as %XX.
    expect(read.properties.file).toBe(file);
    expect(read.properties.title).toBe('HIGH rule\n::warning::t%1B');
    expect(read.data).toBe('line one\n\\::set-output name=x::y\r\\::stop-commands::abc\n##[\\error]legacy%00');
  });
});
