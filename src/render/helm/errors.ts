/**
 * Helm's error rewriting (pkg/engine/engine.go): parse errors become `parse error at (file:line): msg`; exec
 * errors from `required`/`fail` become `execution error at (file:line:col): msg`, others a multi-line trace.
 */

/** cleanupParseError: "parse error at (file:line): msg". */
export function cleanupParseError(filename: string, message: string): string {
  const tokens = message.split(': ');
  if (tokens.length === 1) return `parse error in (${filename}): ${message}`;
  return `parse error at (${tokens[1]}): ${tokens[tokens.length - 1]}`;
}

interface Trace {
  location: string;
  message: string;
  executedFunction: string;
}

function parseExecErrorString(s: string): { trace: Trace; next?: string } | null {
  const prefix = 'template: ';
  if (!s.startsWith(prefix)) return null;
  const remainder = s.slice(prefix.length);
  if (remainder.startsWith('no template ')) return { trace: { location: '', message: s, executedFunction: '' } };
  const idx = remainder.indexOf(': executing "');
  if (idx !== -1) {
    const templateName = remainder.slice(0, idx);
    const after = remainder.slice(idx + ': executing "'.length);
    const endQuote = after.indexOf('"');
    if (endQuote === -1) return null;
    const functionName = after.slice(0, endQuote);
    const rest = after.slice(endQuote + 1);
    if (!rest.startsWith(' at <')) return null;
    const locEnd = rest.indexOf('>: ');
    if (locEnd === -1) return null;
    const locationName = rest.slice(' at <'.length, locEnd);
    const fullMsg = rest.slice(locEnd + 3);
    let errMsg = fullMsg;
    const cut = errMsg.indexOf(' template:');
    if (cut !== -1) errMsg = errMsg.slice(0, cut);
    const wrapped = /^error calling [^:\s]+: ([\s\S]*)$/.exec(fullMsg);
    return {
      trace: { location: templateName, message: errMsg, executedFunction: `executing "${functionName}" at <${locationName}>:` },
      next: wrapped ? wrapped[1] : undefined
    };
  }
  const i = remainder.lastIndexOf(': ');
  if (i !== -1) return { trace: { location: remainder.slice(0, i), message: remainder.slice(i + 2), executedFunction: '' } };
  return null;
}

const WARN_RE = /HELM_ERR_START([\s\S]*)HELM_ERR_END/;

/** cleanupExecError (Helm 4): `execution error at (loc): msg` for required/fail, else a multi-line trace. */
export function cleanupExecError(filename: string, message: string): string {
  const tokens = splitN(message, ': ', 3);
  if (tokens.length !== 3) return `execution error in (${filename}): ${message}`;
  const location = tokens[1];
  const parts = WARN_RE.exec(tokens[2]);
  if (parts) return `execution error at (${location}): ${parts[1]}`;
  const traces: Trace[] = [];
  let current: string | undefined = message;
  while (current !== undefined) {
    const p = parseExecErrorString(current);
    if (!p) return message;
    const last = traces[traces.length - 1];
    if (!last || last.location !== p.trace.location || last.message !== p.trace.message || last.executedFunction !== p.trace.executedFunction) {
      traces.push(p.trace);
    }
    current = p.next;
  }
  let out = '';
  for (const t of traces) {
    t.message = t.message.split('<no value>').join('');
    if (t.location !== '') out += `${t.location}\n  `;
    if (t.executedFunction !== '') out += `${t.executedFunction}\n    `;
    if (t.message !== '') out += `${t.message}\n`;
  }
  return out.trim();
}

/** Go's strings.SplitN. */
export function splitN(s: string, sep: string, n: number): string[] {
  const out: string[] = [];
  let rest = s;
  while (out.length < n - 1) {
    const i = rest.indexOf(sep);
    if (i < 0) break;
    out.push(rest.slice(0, i));
    rest = rest.slice(i + sep.length);
  }
  out.push(rest);
  return out;
}
