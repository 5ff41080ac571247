/**
 * The named formats of the Kubernetes CEL `format` library (k8s.io/apiserver/pkg/cel/library/format.go): each
 * validates a string with apimachinery's validation functions (or kube-openapi's strfmt) and returns their messages,
 * word for word, or none when the string is valid.
 */
import { parseUrl } from './url.js';

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const DNS1035_LABEL = '[a-z]([-a-z0-9]*[a-z0-9])?';
const QUALIFIED_NAME = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE = `(${QUALIFIED_NAME})?`;

/** apimachinery's RegexError. */
function regexError(message: string, format: string, ...examples: string[]): string {
  return `${message} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${format}')`;
}

const matches = (format: string, s: string) => new RegExp(`^${format}$`).test(s);
const tooLong = (max: number) => `must be no more than ${max} characters`;

function dns1123Label(s: string): string[] {
  const out = s.length > 63 ? [tooLong(63)] : [];
  if (!matches(DNS1123_LABEL, s)) out.push(regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", DNS1123_LABEL, 'my-name', '123-abc'));
  return out;
}

function dns1123Subdomain(s: string): string[] {
  const out = s.length > 253 ? [tooLong(253)] : [];
  if (!matches(DNS1123_SUBDOMAIN, s)) out.push(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", DNS1123_SUBDOMAIN, 'example.com'));
  return out;
}

function dns1035Label(s: string): string[] {
  const out = s.length > 63 ? [tooLong(63)] : [];
  if (!matches(DNS1035_LABEL, s)) out.push(regexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character", DNS1035_LABEL, 'my-name', 'abc-123'));
  return out;
}

function qualifiedName(s: string): string[] {
  const parts = s.split('/');
  const out: string[] = [];
  let name = parts[0];
  if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) out.push('prefix part must be non-empty');
    else out.push(...dns1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else if (parts.length !== 1) {
    return [`${regexError("a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", QUALIFIED_NAME, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  if (name.length === 0) out.push('name part must be non-empty');
  else if (name.length > 63) out.push(`name part ${tooLong(63)}`);
  if (name.length > 0 && !matches(QUALIFIED_NAME, name)) out.push(`name part ${regexError("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", QUALIFIED_NAME, 'MyName', 'my.name', '123-abc')}`);
  return out;
}

function labelValue(s: string): string[] {
  const out = s.length > 63 ? [tooLong(63)] : [];
  if (!matches(LABEL_VALUE, s)) out.push(regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", LABEL_VALUE, 'MyValue', 'my_value', '12345'));
  return out;
}

/** A generated name's prefix may end with a dash: validated as if it ended with a letter (maskTrailingDash). */
const asPrefix = (validate: (s: string) => string[]) => (s: string) => validate(s.length > 1 && s.endsWith('-') ? `${s.slice(0, -1)}a` : s);

function validDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** strfmt's date-time: RFC 3339 (also with a space, or without seconds' fraction), dates checked. */
function validDateTime(s: string): boolean {
  const m = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.exec(s);
  return m !== null && validDate(m[1]) && Number(m[2]) < 24 && Number(m[3]) < 60 && Number(m[4]) < 61;
}

export const FORMATS: Readonly<Record<string, (s: string) => string[]>> = {
  dns1123Label,
  dns1123Subdomain,
  dns1035Label,
  qualifiedName,
  dns1123LabelPrefix: asPrefix(dns1123Label),
  dns1123SubdomainPrefix: asPrefix(dns1123Subdomain),
  dns1035LabelPrefix: asPrefix(dns1035Label),
  labelValue,
  uri: (s) => {
    try {
      parseUrl(s);
      return [];
    } catch (err) {
      return [(err as Error).message.replace(/^URL parse error during conversion from string: /, '')];
    }
  },
  uuid: (s) => (/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s) ? [] : ['does not match the UUID format']),
  byte: (s) => (/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s) ? [] : ['invalid base64']),
  date: (s) => (validDate(s) ? [] : ['invalid date']),
  datetime: (s) => (validDateTime(s) ? [] : ['invalid datetime'])
};
