/**
 * `metadata-keys`: labels or annotations whose key matches a pattern must not be set (or must not hold values
 * matching a second pattern), e.g. ingress-nginx's `*-snippet` annotations.
 *
 * Params:
 *   field         `annotations` (default) or `labels`
 *   keyPattern    case-insensitive regex of forbidden keys (required)
 *   valuePattern  only values matching this regex are forbidden (default: any value)
 *   message       the finding's sentence; placeholders {key} {kind} {name} {namespace}
 * A violation points at each forbidden key's value.
 */
import type { Violation } from '../../analyze/types.js';
import { isRecord } from '../../objects/types.js';
import { defineTemplate, formatMessage, objectVars, type GenericTemplate } from './util.js';

export const metadataKeysTemplate: GenericTemplate = defineTemplate(
  'metadata-keys',
  'Labels or annotations whose key (and value) match a pattern must not be set.',
  (read) => {
    read.only(['field', 'keyPattern', 'valuePattern', 'message']);
    const field = read.string('field') ?? 'annotations';
    if (field !== 'annotations' && field !== 'labels') read.fail('params.field must be annotations or labels');
    const key = read.regex('keyPattern') ?? read.fail('params.keyPattern is required');
    return { field, key, value: read.regex('valuePattern'), message: read.string('message') ?? 'The {key} key is set, which this rule does not allow.' };
  },
  (ctx, p) => {
    const metadata = isRecord(ctx.object.body.metadata) ? ctx.object.body.metadata : {};
    const pairs = isRecord(metadata[p.field]) ? (metadata[p.field] as Record<string, unknown>) : {};
    const out: Violation[] = [];
    for (const [key, value] of Object.entries(pairs)) {
      if (!p.key.test(key) || (p.value && !p.value.test(String(value)))) continue;
      out.push({ path: ['metadata', p.field, key], message: formatMessage(p.message, { ...objectVars(ctx), key }) });
    }
    return out;
  }
);
