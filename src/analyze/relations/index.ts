/** Every relation analyzer by name. */
import { networkPolicyCoverage, networkPolicySelectorMatch } from './network-policy.js';
import { serviceSelectorMatch } from './service.js';
import type { Analyzer } from './types.js';

export type { Analyzer, SetViolation } from './types.js';

export const ANALYZERS: ReadonlyMap<string, Analyzer> = new Map([networkPolicyCoverage, networkPolicySelectorMatch, serviceSelectorMatch].map((a) => [a.name, a]));
