/**
 * `secret-in-configmap`: a ConfigMap's `data` must not carry credentials. A key named like a secret (the same
 * names as `secret-in-env`) whose value is not plainly something else (a boolean, a number, a path, a reference,
 * ...), or a value of a known credential shape (a PEM private key, a GitHub token, a URL with a password, ...)
 * anywhere in it, whatever the key, is reported. ConfigMaps are readable by anyone who may read configuration,
 * are not encrypted at rest, and their content ends up in Git.
 *
 * Params (all optional): namePattern, ignoreNamePattern (as `secret-in-env`).
 * Violations point at data.<key>; messages never quote the value.
 */
import type { Violation } from '../../analyze/types.js';
import { isRecord } from '../../objects/types.js';
import { knownSecretShape, notSecretReason } from '../secret-value.js';
import { DEFAULT_IGNORE_NAME, DEFAULT_SECRET_NAME } from './env.js';
import { defineTemplate, type GenericTemplate } from './util.js';

export const secretInConfigMapTemplate: GenericTemplate = defineTemplate(
  'secret-in-configmap',
  'ConfigMap data must not hold credentials: secret-named keys with literal values, or values shaped like credentials.',
  (read) => {
    read.only(['namePattern', 'ignoreNamePattern']);
    return { name: read.regex('namePattern') ?? DEFAULT_SECRET_NAME, ignore: read.regex('ignoreNamePattern') ?? DEFAULT_IGNORE_NAME };
  },
  (ctx, p) => {
    if (ctx.object.kind !== 'ConfigMap') return [];
    const data = isRecord(ctx.object.body.data) ? ctx.object.body.data : {};
    const out: Violation[] = [];
    for (const [key, value] of Object.entries(data)) {
      if (value === null || value === undefined) continue;
      const text = String(value);
      const shape = knownSecretShape(text);
      // A file (a key with an extension, or a multi-line value) is judged by its content only.
      const named = !/\.[A-Za-z0-9]+$/.test(key) && !text.includes('\n') && p.name.test(key) && !p.ignore.test(key) && notSecretReason(text) === undefined;
      if (!shape && !named) continue;
      out.push({ path: ['data', key], message: `ConfigMap key ${key} holds ${shape ?? 'what looks like a secret value'}; keep it in a Secret and reference it from there.` });
    }
    return out;
  }
);
