/**
 * A model of what the GitHub Actions runner obeys in a step's output (actions/runner `ActionCommandManager.cs`,
 * `ActionCommand.cs`, read at 258d6c8): lines end at CR, LF or CRLF; a v2 command `::name props::data` starts a
 * line once leading white space is trimmed; otherwise a legacy command `##[name props]data` may be anywhere in the
 * line; command names compare without case and only registered ones count; `::stop-commands::<token>` stops every
 * command until one named `<token>` (`::<token>::` or `##[<token>]`).
 *
 * The runner compares with the current culture, which may skip ignorable characters; `ignorable: true` reads each
 * line with controls, format and default-ignorable characters removed, a stricter reading than the runner's.
 */

export const REGISTERED_COMMANDS = [
  'add-mask', 'add-matcher', 'add-path', 'debug', 'echo', 'endgroup', 'error', 'group', 'notice', 'remove-matcher', 'save-state', 'set-env',
  'set-output', 'warning'
] as const;

export interface RunnerCommand {
  /** Lower case. */
  name: string;
  properties: Record<string, string>;
  data: string;
  line: string;
}

export interface RunnerReading {
  /** Commands the runner carries out, in order (stop-commands and its resume not included). */
  commands: RunnerCommand[];
  /** Tokens of the stop-commands frames, in order. */
  stopTokens: string[];
  /** Lines printed while commands were stopped. */
  framedLines: string[];
  /** Whether the output ended with commands still stopped. */
  stoppedAtEnd: boolean;
}

const IGNORABLE = /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;

function unescape(text: string, pairs: readonly [string, string][]): string {
  let out = text;
  for (const [escaped, raw] of pairs) out = out.split(escaped).join(raw);
  return out;
}

const DATA = [['%0D', '\r'], ['%0A', '\n'], ['%25', '%']] as [string, string][];
const PROPERTY = [['%0D', '\r'], ['%0A', '\n'], ['%3A', ':'], ['%2C', ','], ['%25', '%']] as [string, string][];
const LEGACY = [['%3B', ';'], ['%0D', '\r'], ['%0A', '\n'], ['%5D', ']'], ['%25', '%']] as [string, string][];

function parseV2(line: string, known: (name: string) => boolean): RunnerCommand | undefined {
  const message = line.trimStart();
  if (!message.startsWith('::')) return undefined;
  const end = message.indexOf('::', 2);
  if (end < 0) return undefined;
  const info = message.slice(2, end);
  const space = info.indexOf(' ');
  const name = space < 0 ? info : info.slice(0, space);
  if (!known(name)) return undefined;
  const properties: Record<string, string> = {};
  if (space > 0) {
    for (const pair of info.slice(space + 1).trim().split(',').filter((p) => p !== '')) {
      const eq = pair.indexOf('=');
      if (eq > 0 && eq < pair.length - 1) properties[pair.slice(0, eq).toLowerCase()] = unescape(pair.slice(eq + 1), PROPERTY);
    }
  }
  return { name: name.toLowerCase(), properties, data: unescape(message.slice(end + 2), DATA), line };
}

function parseLegacy(line: string, known: (name: string) => boolean): RunnerCommand | undefined {
  const prefix = line.indexOf('##[');
  if (prefix < 0) return undefined;
  const rb = line.indexOf(']', prefix);
  if (rb < 0) return undefined;
  const info = line.slice(prefix + 3, rb);
  const space = info.indexOf(' ');
  const name = space < 0 ? info : info.slice(0, space);
  if (!known(name)) return undefined;
  const properties: Record<string, string> = {};
  if (space > 0) {
    for (const pair of info.slice(space + 1).split(';').filter((p) => p !== '')) {
      const eq = pair.indexOf('=');
      if (eq > 0 && eq < pair.length - 1) properties[pair.slice(0, eq).toLowerCase()] = unescape(pair.slice(eq + 1), LEGACY);
    }
  }
  return { name: name.toLowerCase(), properties, data: unescape(line.slice(rb + 1), LEGACY), line };
}

/** What the runner obeys in `output`. */
export function runnerCommands(output: string, options: { ignorable?: boolean } = {}): RunnerReading {
  const registered = new Set<string>([...REGISTERED_COMMANDS, 'stop-commands']);
  const reading: RunnerReading = { commands: [], stopTokens: [], framedLines: [], stoppedAtEnd: false };
  let stopToken: string | undefined;
  for (const raw of output.split(/\r\n|\r|\n/)) {
    const line = options.ignorable ? raw.replace(IGNORABLE, '') : raw;
    const known = (name: string) => registered.has(name.toLowerCase());
    const command = parseV2(line, known) ?? parseLegacy(line, known);
    if (stopToken !== undefined) {
      if (command && command.name === stopToken.toLowerCase()) {
        registered.delete(stopToken.toLowerCase());
        stopToken = undefined;
      } else {
        reading.framedLines.push(raw);
      }
      continue;
    }
    if (!command) continue;
    if (command.name === 'stop-commands') {
      stopToken = command.data;
      reading.stopTokens.push(stopToken);
      registered.add(stopToken.toLowerCase());
      continue;
    }
    reading.commands.push(command);
  }
  reading.stoppedAtEnd = stopToken !== undefined;
  return reading;
}
