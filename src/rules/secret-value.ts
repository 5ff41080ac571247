/**
 * Judges a literal environment value: is it a secret? A variable's name says what it is about (DB_PASSWORD,
 * ALLOW_EMPTY_PASSWORD); the value says whether it holds a secret. Rule: a value with a known credential shape
 * (a GitHub or Slack token, an AWS key id, a PEM private key, a URL with a password) is a secret whatever the
 * variable is called; a value that only configures or points at a secret (a boolean, a number, a path, a command,
 * a reference, a list of settings) is not one, whatever the variable is called. Anything else is judged by the
 * name. The value itself never leaves this module: reports name the shape, not the text.
 */

/** Credential formats that are secrets under any name, with the words a report uses for them. */
const KNOWN_SECRET_SHAPES: readonly { shape: string; pattern: RegExp }[] = [
  { shape: 'a PEM private key', pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----/ },
  { shape: 'a GitHub token', pattern: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,})(?![A-Za-z0-9_])/ },
  { shape: 'a GitLab token', pattern: /(?<![A-Za-z0-9_])glpat-[A-Za-z0-9_-]{20,}/ },
  { shape: 'an AWS access key id', pattern: /(?<![A-Z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Z0-9])/ },
  { shape: 'a Slack token', pattern: /(?<![A-Za-z0-9])xox[abeoprs]-[A-Za-z0-9-]{10,}/ },
  { shape: 'a Stripe live key', pattern: /(?<![A-Za-z0-9])[rs]k_live_[A-Za-z0-9]{20,}/ },
  { shape: 'a Google API key', pattern: /(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/ },
  { shape: 'an npm token', pattern: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/ },
  { shape: 'a JSON Web Token', pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/ },
  // An Authorization header's value: the scheme, then the credential itself.
  { shape: 'an HTTP Authorization credential', pattern: /^\s*(?:Bearer|Basic|Token)\s+[A-Za-z0-9._~+/-]{8,}=*\s*$/i },
  // scheme://user:password@host, unless the password is a reference ($(DB_PASSWORD), ${DB_PASSWORD}).
  { shape: 'a URL with a password', pattern: /[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/:@]+:(?!\$[({])[^\s/@]+@/ }
];

/** The credential format `value` carries ("a GitHub token"), or undefined. */
export function knownSecretShape(value: string): string | undefined {
  return KNOWN_SECRET_SHAPES.find((s) => s.pattern.test(value))?.shape;
}

const BOOLEAN = /^(true|false|yes|no|on|off|y|n|enabled?|disabled?)$/i;
const NULLISH = /^(null|nil|none|~|n\/a|-)$/i;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d|w))+$/;
/** `$(VAR)` (Kubernetes), `${VAR}` (envsubst), `{{ … }}` (an unrendered template), vault and vals references. */
const REFERENCE = /^(\$\([A-Za-z_][A-Za-z0-9_.-]*\)|\$\{[^}]+\}|\{\{.*\}\}|<path:[^>]+>|ref\+[a-z0-9]+:\/\/\S+|vault:\S+)$/;
const PATH = /^(\/|\.{1,2}\/|~\/|file:\/\/)/;
/** A URL without user information: an address, not a credential (one with a password is a known shape). */
const PLAIN_URL = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s@]+$/;
/** A program name, then arguments: `cat /run/secrets/key`, `vault read -field=password kv/db`. */
const PROGRAM = /^[a-z][\w.+-]*$/;
const ARGUMENT = /^(--?[A-Za-z]|\.{0,2}\/|~\/|\$)/;
/** One `key=value` (or bare word) item of a settings list. */
const SETTING = /^([A-Za-z][\w.-]*)(=(.*))?$/;
const SECRET_KEY = /(pass|pwd|secret|token|key|credential|auth)/i;

/**
 * Why `value` is not a secret although it sits in a secret-named variable ("a boolean", "a path"), or undefined
 * when nothing in its shape says so.
 */
export function notSecretReason(value: string): string | undefined {
  const text = value.trim();
  if (text === '') return 'empty';
  if (BOOLEAN.test(text)) return 'a boolean';
  if (NULLISH.test(text)) return 'a placeholder for nothing';
  if (NUMBER.test(text) || DURATION.test(text)) return 'a number';
  if (text.length <= 2) return 'too short to be a credential';
  if (REFERENCE.test(text)) return 'a reference';
  if (PATH.test(text)) return 'a path';
  if (PLAIN_URL.test(text)) return 'an address';
  if (isCommand(text)) return 'a command';
  if (isSettingsList(text)) return 'a list of settings';
  return undefined;
}

function isCommand(text: string): boolean {
  const words = text.split(/\s+/);
  return words.length >= 2 && PROGRAM.test(words[0]) && words.slice(1).some((w) => ARGUMENT.test(w));
}

/**
 * `jwt,priv-key=/etc/key.pem,sign-method=RS256,ttl=10m`: items separated by commas, semicolons or spaces, at
 * least one `key=value`, and every item whose key names a secret holding something that is not one itself
 * (`password=hunter2` makes the list a secret).
 */
function isSettingsList(text: string): boolean {
  const items = text.split(/\s*[,;\s]\s*/).filter((i) => i !== '');
  if (items.length < 2) return false;
  let assignments = 0;
  for (const item of items) {
    const m = SETTING.exec(item);
    if (!m) return false;
    if (m[2] === undefined) continue;
    assignments++;
    if (SECRET_KEY.test(m[1]) && notSecretReason(m[3]) === undefined) return false;
  }
  return assignments > 0;
}
