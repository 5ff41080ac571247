/**
 * Text for the GitHub Actions log. The runner obeys workflow commands in what a step prints (actions/runner
 * `ActionCommand.cs`): a line that starts with `::name …::` once leading white space is trimmed, and a line that
 * holds `##[name…]` anywhere. Lines end at CR, LF or CRLF. Repository text must never become one:
 *
 * - `neutralizeLogText`: a backslash goes before a `::` that starts a line and after every `##[`, the way the runner
 *   defuses its own markers (`##[\start-action`). A zero-width character would not do: the runner compares with
 *   the current culture, which skips ignorable characters, so `#\u200B#[` can still read as `##[`. For the same
 *   reason ignorable characters between the marker's characters are looked through.
 * - `frameLogBlock`: a block between `::stop-commands::<token>` and `::<token>::`. Until the token comes back the
 *   runner obeys no command; the token is random per block (node:crypto) and not in the text, so the text cannot
 *   end the frame early.
 */
import { randomBytes } from 'node:crypto';

/** Characters the runner's culture-sensitive comparison may skip: controls and default-ignorable characters. */
const IGNORABLE = '[\\p{Cc}\\p{Cf}\\p{Default_Ignorable_Code_Point}]*';
const LINE_START_COMMAND = new RegExp(`^([\\s\\p{Cc}\\p{Cf}\\p{Default_Ignorable_Code_Point}]*)(:${IGNORABLE}:)`, 'u');
const LEGACY_COMMAND = new RegExp(`#${IGNORABLE}#${IGNORABLE}\\[`, 'gu');
const LINE_BREAK = /(\r\n|\r|\n)/;

/** Defuses `##[` anywhere in `text` (legacy commands): `##[\`. */
export function neutralizeLegacyCommands(text: string): string {
  return text.replace(LEGACY_COMMAND, (marker) => `${marker}\\`);
}

/** Defuses workflow commands in `text`: `\::` where a line starts with `::`, and `##[\` for every `##[`. */
export function neutralizeLogText(text: string): string {
  return text
    .split(LINE_BREAK)
    .map((part, i) => (i % 2 === 1 ? part : neutralizeLegacyCommands(part.replace(LINE_START_COMMAND, '$1\\$2'))))
    .join('');
}

/** A token for `::stop-commands::`: 128 random bits, hex. */
export function stopCommandsToken(): string {
  return randomBytes(16).toString('hex');
}

/**
 * `text` (neutralised) between `::stop-commands::<token>` and `::<token>::`, one line each; no trailing line break.
 * A token the text contains (the runner compares without case) is replaced by a new one from `newToken`.
 */
export function frameLogBlock(text: string, newToken: () => string = stopCommandsToken): string {
  const body = neutralizeLogText(text.replace(/(\r\n|\r|\n)$/, ''));
  const lower = body.toLowerCase();
  let token = newToken();
  for (let tries = 0; lower.includes(token.toLowerCase()); tries++) {
    if (tries >= 10) throw new Error('no stop-commands token that the text does not contain');
    token = newToken();
  }
  return `::stop-commands::${token}\n${body}\n::${token}::`;
}
