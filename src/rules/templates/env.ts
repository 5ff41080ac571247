/**
 * `secret-in-env`: environment variables whose name says they hold a secret must not carry it as a literal
 * `value:` (it then lives in Git, in the rendered manifest and in the pod spec any reader of pods can see);
 * they should use `valueFrom.secretKeyRef`.
 *
 * Params (all optional):
 *   namePattern        case-insensitive regex of secret-looking names (default: PASSWORD, PASSWD, SECRET, TOKEN,
 *                      API_KEY, PRIVATE_KEY, ACCESS_KEY, CREDENTIAL(S), AUTH_KEY, CLIENT_SECRET, ...)
 *   ignoreNamePattern  names to skip although they match (default: *_FILE, *_PATH, *_DIR, *_NAME, *_REF,
 *                      *_URL, *_ENABLED, *_KEY_ID, *_TTL, *_TIMEOUT, *_LENGTH, *_EXPIRY, ... which name a secret
 *                      rather than hold one)
 *   containerTypes     default all three container lists
 * Empty values and `$(VAR)` references are not reported. Violations point at env[j].value.
 */
import type { Violation } from '../../analyze/types.js';
import type { ContainerField } from '../../objects/podspec.js';
import { isRecord } from '../../objects/types.js';
import { containersIn, defineTemplate, type GenericTemplate } from './util.js';

export const DEFAULT_SECRET_NAME = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|AUTH_?KEY|CREDENTIALS?|(^|_)PWD($|_))/i;
export const DEFAULT_IGNORE_NAME =
  /(_FILE|_PATH|_DIR|_NAME|_NAMES|_REF|_URL|_URI|_ENDPOINT|_HOST|_ENABLED|_ENABLE|_KEY_ID|_ID|_TTL|_TIMEOUT|_LENGTH|_EXPIRY|_EXPIRATION|_HEADER|_TYPE|_MODE|_REFRESH_INTERVAL|_LOCATION)$/i;

export const secretInEnvTemplate: GenericTemplate = defineTemplate(
  'secret-in-env',
  'Environment variables that look like secrets (PASSWORD, TOKEN, API_KEY, ...) must come from valueFrom.secretKeyRef, not a literal value.',
  (read) => {
    read.only(['namePattern', 'ignoreNamePattern', 'containerTypes']);
    return {
      name: read.regex('namePattern') ?? DEFAULT_SECRET_NAME,
      ignore: read.regex('ignoreNamePattern') ?? DEFAULT_IGNORE_NAME,
      types: (read.stringList('containerTypes') ? read.containerFields() : ['containers', 'initContainers', 'ephemeralContainers']) as ContainerField[]
    };
  },
  (ctx, p) => {
    const out: Violation[] = [];
    for (const c of containersIn(ctx, p.types)) {
      const env = c.container.env;
      if (!Array.isArray(env)) continue;
      env.forEach((e, j) => {
        if (!isRecord(e) || typeof e.name !== 'string') return;
        if (!p.name.test(e.name) || p.ignore.test(e.name)) return;
        const value = e.value;
        if (value === undefined || value === null) return;
        const text = String(value);
        if (text.trim() === '' || /^\$\([A-Za-z_][A-Za-z0-9_]*\)$/.test(text.trim())) return;
        out.push({
          path: [...c.fullPath, 'env', j, 'value'],
          message: `Container "${c.name || `#${c.index}`}" sets ${e.name} to a literal value; read it from a Secret with valueFrom.secretKeyRef.`
        });
      });
    }
    return out;
  }
);
