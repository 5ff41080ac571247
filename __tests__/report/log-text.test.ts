/** Repository text in the Actions log: neutralised markers and stop-commands frames, read the way the runner reads them. */
import { describe, expect, test } from '@jest/globals';
import { frameLogBlock, neutralizeLegacyCommands, neutralizeLogText, stopCommandsToken } from '../../src/report/log-text.js';
import { runnerCommands } from '../helpers/runner-commands.js';

/** Repository text that speaks to the runner when printed as is. */
const HOSTILE = [
  '::add-mask::secret',
  '  ::warning file=x.yaml::forged',
  '\t::ERROR::upper case',
  '::set-output name=x::y',
  'image: nginx ##[error]forged legacy',
  'x\r::notice::after a carriage return',
  '\u200B::add-mask::behind a zero-width space',
  ':\u200B:add-mask::split by a zero-width space',
  '#\u200B#[error]split legacy',
  '###[warning]three hashes',
  '::::add-mask::many colons',
  '\u00A0\u2003::debug::other white space',
  '::stop-commands::abc'
].join('\n');

describe('the runner model', () => {
  test('finds the commands in raw repository text', () => {
    const raw = runnerCommands(HOSTILE);
    expect(raw.commands.map((c) => c.name)).toEqual(['add-mask', 'warning', 'error', 'set-output', 'error', 'notice', 'warning', 'debug']);
    expect(raw.commands[0]).toMatchObject({ name: 'add-mask', data: 'secret' });
    expect(raw.stopTokens).toEqual(['abc']);
  });

  test('reading ignorable characters away finds more', () => {
    const names = runnerCommands(HOSTILE, { ignorable: true }).commands.map((c) => c.name);
    expect(names).toEqual(['add-mask', 'warning', 'error', 'set-output', 'error', 'notice', 'add-mask', 'add-mask', 'error', 'warning', 'debug']);
  });
});

describe('neutralizeLogText', () => {
  test('no line of it is a command, read ordinally or with ignorable characters skipped', () => {
    const safe = neutralizeLogText(HOSTILE);
    for (const ignorable of [false, true]) {
      const reading = runnerCommands(safe, { ignorable });
      expect(reading.commands).toEqual([]);
      expect(reading.stopTokens).toEqual([]);
    }
  });

  test('defuses with a visible backslash and keeps everything else, line breaks included', () => {
    expect(neutralizeLogText('::add-mask::secret')).toBe('\\::add-mask::secret');
    expect(neutralizeLogText('  ::warning::x')).toBe('  \\::warning::x');
    expect(neutralizeLogText('a ##[error]b ##[warning]c')).toBe('a ##[\\error]b ##[\\warning]c');
    expect(neutralizeLogText('one\r\n::a::b\rtwo\n::c::d')).toBe('one\r\n\\::a::b\rtwo\n\\::c::d');
    expect(neutralizeLogText(':\u200B:add-mask::x')).toBe('\\:\u200B:add-mask::x');
    expect(neutralizeLogText('#\u200B#[error]')).toBe('#\u200B#[\\error]');
    // `::` inside a line and a lone `#[` are not commands and stay as they are.
    expect(neutralizeLogText('image: repo::tag #[x] a:b')).toBe('image: repo::tag #[x] a:b');
  });

  test('neutralizeLegacyCommands only touches ##[', () => {
    expect(neutralizeLegacyCommands('::add-mask::x ##[error]y')).toBe('::add-mask::x ##[\\error]y');
  });
});

describe('frameLogBlock', () => {
  test('the runner obeys nothing inside, and obeys again after it', () => {
    const framed = frameLogBlock(HOSTILE);
    const output = `${framed}\n::notice::ours\n`;
    for (const ignorable of [false, true]) {
      const reading = runnerCommands(output, { ignorable });
      expect(reading.stopTokens).toHaveLength(1);
      expect(reading.stoppedAtEnd).toBe(false);
      expect(reading.commands).toEqual([{ name: 'notice', properties: {}, data: 'ours', line: '::notice::ours' }]);
      // Every line of the text is printed, inside the frame.
      expect(reading.framedLines).toHaveLength(HOSTILE.split(/\r\n|\r|\n/).length);
    }
  });

  test('one line before and after, a fresh 128-bit token each time', () => {
    const a = frameLogBlock('report\n');
    const lines = a.split('\n');
    expect(lines).toHaveLength(3);
    const token = /^::stop-commands::([0-9a-f]{32})$/.exec(lines[0])?.[1];
    expect(token).toBeDefined();
    expect(lines[1]).toBe('report');
    expect(lines[2]).toBe(`::${token}::`);
    expect(frameLogBlock('report')).not.toContain(token!);
    expect(stopCommandsToken()).toMatch(/^[0-9a-f]{32}$/);
  });

  test('a token the text contains (in any case) is never used', () => {
    const tokens = ['deadbeef', 'cafe0001'];
    const framed = frameLogBlock('text with DEADBEEF in it', () => tokens.shift()!);
    expect(framed.split('\n')[0]).toBe('::stop-commands::cafe0001');
    expect(framed.endsWith('\n::cafe0001::')).toBe(true);
    expect(runnerCommands(`${framed}\n::error::after`).commands.map((c) => c.data)).toEqual(['after']);
  });

  test('text that tries to end the frame with a guessed token cannot', () => {
    const framed = frameLogBlock('::abc::\n##[abc]\n::add-mask::x', () => 'f00d');
    const reading = runnerCommands(framed);
    expect(reading.commands).toEqual([]);
    expect(reading.stoppedAtEnd).toBe(false);
    expect(reading.framedLines).toEqual(['\\::abc::', '##[\\abc]', '\\::add-mask::x']);
  });
});
