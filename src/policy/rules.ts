/** Which rules run, at which severity: the configuration applied to the rule set. */
import type { ActiveRule } from '../analyze/engine.js';
import type { RuleDefinition } from '../rules/types.js';
import { DIAGNOSTIC_RULES } from '../report/diagnostic-rules.js';
import { ConfigError } from '../settings/config.js';
import type { Settings } from '../settings/types.js';

export function activeRules(rules: readonly RuleDefinition[], settings: Settings): ActiveRule[] {
  const known = new Set([...rules.map((r) => r.id), ...DIAGNOSTIC_RULES.map((r) => r.id)]);
  const named = [...settings.rules.disable, ...(settings.rules.only ?? []), ...Object.keys(settings.rules.severity)];
  const unknown = named.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new ConfigError(`${settings.configSource || 'settings'}: unknown rule id${unknown.length > 1 ? 's' : ''} ${unknown.map((id) => `"${id}"`).join(', ')} (see \`gitops-gate rules\`)`);
  }
  const disabled = new Set(settings.rules.disable);
  const only = settings.rules.only ? new Set(settings.rules.only) : undefined;
  return rules
    .filter((rule) => !disabled.has(rule.id) && (!only || only.has(rule.id)))
    .filter((rule) => !rule.references.pss || settings.pss.level === 'restricted' || (settings.pss.level === 'baseline' && rule.references.pss.level === 'baseline'))
    .map((rule) => ({ rule, severity: settings.rules.severity[rule.id] ?? rule.severity }));
}
