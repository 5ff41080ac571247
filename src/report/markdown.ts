/**
 * Escaping for GitHub-flavoured Markdown. Everything that comes from the repository (messages, object names,
 * file paths, rule ids from user rules) goes through here before it lands in a job summary or a PR comment:
 * - no raw HTML: `<`, `>` and `&` become entities;
 * - no Markdown structure: punctuation that Markdown reads inline (code, emphasis, links, images, tables,
 *   strikethrough, math) is backslash-escaped, and so are block markers at the start of a line (headings, lists),
 *   so `|` cannot break a table and a backtick cannot open a code span;
 * - no notifications: `@name` gets a zero-width joiner after the `@` (no mention), `#123` one after the `#`
 *   (no cross-reference);
 * - control characters are dropped, and line breaks become spaces unless asked to be kept.
 */

const ZWJ = '\u200D';

// C0 controls (except tab, LF, CR), DEL, C1 controls, and bidi overrides that can disguise text.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/** Drops control characters; tabs become spaces; line breaks become spaces unless `keepNewlines`. */
export function stripControl(text: string, keepNewlines = false): string {
  const cleaned = text.replace(CONTROL, '').replace(/\t/g, ' ');
  return keepNewlines ? cleaned.replace(/\r\n?/g, '\n') : cleaned.replace(/\r\n|\r|\n/g, ' ');
}

function neutraliseReferences(text: string): string {
  // @user, @org/team; #123, GH-123 cross-references.
  return text.replace(/@(?=[A-Za-z0-9_-])/g, `@${ZWJ}`).replace(/#(?=\d)/g, `#${ZWJ}`);
}

export interface EscapeOptions {
  /** Keep line breaks (each line is escaped on its own); default: line breaks become spaces. */
  keepNewlines?: boolean;
}

/** Escapes untrusted text so it renders literally as Markdown inline text, also inside a table cell. */
export function escapeMarkdown(text: string, options: EscapeOptions = {}): string {
  const cleaned = stripControl(text, options.keepNewlines === true);
  const escaped = cleaned
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    // Inline syntax anywhere: code, emphasis, links and images, tables, strikethrough, math.
    .replace(/[\\`*_[\]|~$!]/g, (c) => `\\${c}`)
    // Block syntax where a line starts: headings, lists, setext underlines.
    .replace(/^(\s*)([#+=-])/gm, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/gm, '$1\\$2');
  return neutraliseReferences(escaped);
}

export interface InlineCodeOptions {
  /** The span sits in a table cell: pipes are escaped (GitHub renders `\|` inside a code span in a table as `|`). */
  inTable?: boolean;
}

/** Untrusted text as an inline code span, whatever backticks it holds. Empty text gives an empty string. */
export function inlineCode(text: string, options: InlineCodeOptions = {}): string {
  let content = stripControl(text);
  if (content === '') return '';
  const runs = content.match(/`+/g) ?? [];
  const longest = runs.reduce((max, run) => Math.max(max, run.length), 0);
  const fence = '`'.repeat(longest + 1);
  // A space on each side is stripped by the renderer; it keeps a leading/trailing backtick or space intact.
  const pad = /^[`\s]|[`\s]$/.test(content) ? ' ' : '';
  if (options.inTable) content = content.replace(/\|/g, '\\|');
  return `${fence}${pad}${content}${pad}${fence}`;
}

/** Percent-encodes a repository path for use in a URL (each segment; `/` kept). */
export function encodePath(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}

/** A Markdown link with escaped text. The URL must be built from trusted parts or encoded with `encodePath`. */
export function markdownLink(text: string, url: string): string {
  const safeUrl = url.replace(/[\s()<>`]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  return `[${escapeMarkdown(text)}](${safeUrl})`;
}
