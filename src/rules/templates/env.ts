/**
 * `secret-in-env`: environment variables whose name says they hold a secret must not carry it as a literal
 * `value:` (it then lives in Git, in the rendered manifest and in the pod spec any reader of pods can see);
 * they should use `valueFrom.secretKeyRef`. The value is judged too (src/rules/secret-value.ts): a value with a
 * known credential shape (GitHub token, PEM private key, URL with a password, ...) is reported whatever the name;
 * booleans, numbers, paths, commands, references and settings lists are not secrets, whatever the name.
 *
 * Params (all optional):
 *   namePattern        case-insensitive regex of secret-looking names (default: PASSWORD, PASSWD, SECRET, TOKEN,
 *                      API_KEY, PRIVATE_KEY, ACCESS_KEY, CREDENTIAL(S), AUTH_KEY, CLIENT_SECRET, ...)
 *   ignoreNamePattern  names to skip although they match (default: *_FILE, *_PATH, *_DIR, *_NAME, *_REF,
 *                      *_URL, *_ENABLED, *_KEY_ID, *_TTL, *_TIMEOUT, *_LENGTH, *_EXPIRY, *_CMD, ... which name
 *                      a secret rather than hold one, and flags such as ALLOW_EMPTY_PASSWORD or *_NUM_TOKENS)
 *   containerTypes     default all three container lists
 * Violations point at env[j].value; messages never quote the value.
 */
import type { Violation } from '../../analyze/types.js';
import type { ContainerField } from '../../objects/podspec.js';
import { isRecord } from '../../objects/types.js';
import { knownSecretShape, notSecretReason } from '../secret-value.js';
import { containersIn, defineTemplate, type GenericTemplate } from './util.js';

// Cloud CLIs' own key variables too: AZURE_BATCH_KEY, AZURE_STORAGE_KEY, OCI_CLI_KEY_CONTENT (as Polaris lists them).
export const DEFAULT_SECRET_NAME = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|BEARER|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|AUTH_?KEY|CREDENTIALS?|(^|_)PWD($|_)|^AZURE_\w*KEY$|_KEY_CONTENT$)/i;
export const DEFAULT_IGNORE_NAME = new RegExp(
  [
    // Names of a secret's file, place, identity or lifetime, not the secret.
    '(_FILE|_PATH|_DIR|_NAME|_NAMES|_REF|_URL|_URI|_ENDPOINT|_HOST|_ENABLED|_ENABLE|_DISABLED|_REQUIRED|_KEY_ID|_ID|_TTL|_TIMEOUT|_LENGTH|_SIZE|_COUNT|_EXPIRY|_EXPIRATION|_HEADER|_TYPE|_MODE|_METHOD|_ALGORITHM|_POLICY|_REFRESH_INTERVAL|_LOCATION)$',
    // Commands that print the secret (`*_SECRET_KEY_CMD="cat /run/secrets/key"`).
    '(_CMD|_COMMAND|_SCRIPT)$',
    // Switches and sizes: ALLOW_EMPTY_PASSWORD, PHPMYADMIN_ALLOW_NO_PASSWORD, CASSANDRA_NUM_TOKENS.
    '(^|_)(ALLOW|ENABLE|DISABLE|USE|REQUIRE|SKIP|FORCE|NUM|MAX|MIN)_',
    // etcd's cluster id, a name that only says token.
    'INITIAL_CLUSTER_TOKEN$'
  ].join('|'),
  'i'
);

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
        const value = e.value;
        if (value === undefined || value === null) return;
        const text = String(value);
        const shape = knownSecretShape(text);
        if (!shape && (!p.name.test(e.name) || p.ignore.test(e.name) || notSecretReason(text) !== undefined)) return;
        const what = shape ? `to what looks like ${shape}` : 'to a literal value';
        out.push({
          path: [...c.fullPath, 'env', j, 'value'],
          message: `Container "${c.name || `#${c.index}`}" sets ${e.name} ${what}; read it from a Secret with valueFrom.secretKeyRef.`
        });
      });
    }
    return out;
  }
);

/**
 * `duplicate-env`: a container must not set the same environment variable twice. Kubernetes keeps the last one
 * (and server-side apply refuses the list, `env` being keyed by name), so the earlier value someone reads in the
 * manifest is not the one the container gets. Violations point at every later duplicate.
 *
 * Params (optional): containerTypes (default all three container lists).
 */
export const duplicateEnvTemplate: GenericTemplate = defineTemplate(
  'duplicate-env',
  'A container must not set the same environment variable twice.',
  (read) => {
    read.only(['containerTypes']);
    return { types: (read.stringList('containerTypes') ? read.containerFields() : ['containers', 'initContainers', 'ephemeralContainers']) as ContainerField[] };
  },
  (ctx, p) => {
    const out: Violation[] = [];
    for (const c of containersIn(ctx, p.types)) {
      const env = Array.isArray(c.container.env) ? c.container.env : [];
      const first = new Map<string, number>();
      env.forEach((e, j) => {
        if (!isRecord(e) || typeof e.name !== 'string') return;
        const earlier = first.get(e.name);
        if (earlier === undefined) first.set(e.name, j);
        else out.push({ path: [...c.fullPath, 'env', j, 'name'], message: `Container "${c.name || `#${c.index}`}" sets ${e.name} again (first at env[${earlier}]); the container gets only the last value.` });
      });
    }
    return out;
  }
);
