/** Every check template by name: the `pss` template and the generic ones. */
import type { CheckTemplate } from '../types.js';
import { pssTemplate } from './pss.js';
import { genericTemplates } from './generic.js';

export const CHECK_TEMPLATES: ReadonlyMap<string, CheckTemplate> = new Map(
  [pssTemplate, ...genericTemplates].map((template) => [template.name, template])
);
