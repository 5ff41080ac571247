/**
 * What applies to each object: the rules, their severities, the Pod Security level and the gate's threshold.
 *
 * Everything starts from the configuration. Two things change it for one object:
 * - the Namespace it is deployed into, when the revision renders that Namespace (with it, or in another target): its
 *   workloads are checked
 *   at the level its `pod-security.kubernetes.io/enforce` label enforces (and `enforce-version`), as Pod Security
 *   admission will check them. A namespace that lowers the level is reported by its own rule
 *   (namespace-pss-lowered); the Namespace object itself is always judged against the configured level.
 * - the profiles (config `profiles`) it matches by its labels, its namespace's labels or its namespace name: each
 *   can enable, disable and re-grade rules, require a Pod Security level wherever the object is deployed, and set
 *   the severity from which the object's new findings block. When several match, the strictest wins: the highest
 *   level, the lowest threshold, the highest severity; a rule one profile enables is not disabled by another.
 */
import picomatch from 'picomatch';
import type { ActiveRule } from '../analyze/engine.js';
import { SEVERITIES, severityRank, type Finding, type Severity } from '../analyze/types.js';
import { parsePssVersion, type PssLevel, type PssSettings } from '../analyze/pss/types.js';
import { labelsOf } from '../objects/label-selector.js';
import type { JsonPath, KubeObject } from '../objects/types.js';
import type { RuleDefinition } from '../rules/types.js';
import { DIAGNOSTIC_RULES } from '../report/diagnostic-rules.js';
import { ConfigError } from '../settings/config.js';
import type { FailOn, Profile, Settings } from '../settings/types.js';

export const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';
export const ENFORCE_VERSION_LABEL = 'pod-security.kubernetes.io/enforce-version';

const LEVELS: readonly PssLevel[] = ['privileged', 'baseline', 'restricted'];

/** What applies to one object. */
export interface ObjectScope {
  rules: readonly ActiveRule[];
  pss: PssSettings;
  /** The threshold a profile sets for this object's findings; the configuration's when absent. */
  failOn?: FailOn;
  /** The profiles that apply, in config order. */
  profiles: readonly string[];
  /** The Namespace label that set the Pod Security level, when one did. */
  pssFrom?: { object: KubeObject; path: JsonPath; level: PssLevel };
  /** The severity of each rule that applies, by id. */
  severities: ReadonlyMap<string, Severity>;
}

/** The rules a configuration (and profile) turns on: the PSS rules only up to `level`. */
export function activeRules(rules: readonly RuleDefinition[], settings: Settings, level: PssLevel = settings.pss.level): ActiveRule[] {
  checkRuleIds(rules, [...settings.rules.disable, ...(settings.rules.only ?? []), ...Object.keys(settings.rules.severity)], settings.configSource || 'settings');
  const disabled = new Set(settings.rules.disable);
  const only = settings.rules.only ? new Set(settings.rules.only) : undefined;
  return rules
    .filter((rule) => !disabled.has(rule.id) && (!only || only.has(rule.id)))
    .filter((rule) => pssRuleRunsAt(rule, level))
    .map((rule) => ({ rule, severity: settings.rules.severity[rule.id] ?? rule.severity }));
}

function pssRuleRunsAt(rule: RuleDefinition, level: PssLevel): boolean {
  return !rule.references.pss || level === 'restricted' || (level === 'baseline' && rule.references.pss.level === 'baseline');
}

function checkRuleIds(rules: readonly RuleDefinition[], named: readonly string[], source: string): void {
  const known = new Set([...rules.map((r) => r.id), ...DIAGNOSTIC_RULES.map((r) => r.id)]);
  const unknown = named.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new ConfigError(`${source}: unknown rule id${unknown.length > 1 ? 's' : ''} ${unknown.map((id) => `"${id}"`).join(', ')} (see \`gitops-gate rules\`)`);
  }
}

interface CompiledProfile extends Profile {
  namespaceMatch?: (name: string) => boolean;
}

/** Resolves the scope of each object; built once per scan, asked once per rendered set. */
export class Scopes {
  /** Every rule that runs on some object: what the engine runs over a set before each object's scope filters it. */
  readonly anyRules: readonly ActiveRule[];
  private readonly profiles: readonly CompiledProfile[];
  private readonly cache = new Map<string, ObjectScope>();

  constructor(
    private readonly rules: readonly RuleDefinition[],
    private readonly settings: Settings
  ) {
    this.profiles = settings.profiles.map((p) => {
      checkRuleIds(rules, [...(p.rules?.enable ?? []), ...(p.rules?.disable ?? []), ...Object.keys(p.rules?.severity ?? {})], `${settings.configSource || 'settings'}: profile "${p.name}"`);
      return { ...p, ...(p.match.namespaces ? { namespaceMatch: picomatch(p.match.namespaces, { dot: true }) } : {}) };
    });
    const base = this.scopeOf([], undefined);
    const all = new Map(base.rules.map((r) => [r.rule.id, r]));
    for (const level of LEVELS) for (const r of this.scopeOf([], level).rules) if (!all.has(r.rule.id)) all.set(r.rule.id, r);
    for (const p of this.profiles) for (const r of this.scopeOf([p], undefined).rules) if (!all.has(r.rule.id)) all.set(r.rule.id, r);
    this.anyRules = [...all.values()];
  }

  /** The configuration's own scope: what applies to an object no namespace label or profile changes. */
  get base(): ObjectScope {
    return this.scopeOf([], undefined);
  }

  /** Whether anything can make two objects' scopes differ. */
  get uniform(): boolean {
    return this.profiles.length === 0 && !this.settings.pssFromNamespaces;
  }

  /**
   * The scope of each object of a set rendered together. Its Namespace is read from the set, else from
   * `elsewhere` (the Namespaces the revision renders in other targets).
   */
  forSet(objects: readonly KubeObject[], elsewhere: ReadonlyMap<string, KubeObject> = new Map()): (object: KubeObject) => ObjectScope {
    if (this.uniform) {
      const base = this.base;
      return () => base;
    }
    const namespaces = new Map(elsewhere);
    for (const o of objects) if (o.kind === 'Namespace' && o.apiVersion === 'v1') namespaces.set(o.name, o);
    return (object) => {
      const namespace = object.kind === 'Namespace' ? object : object.namespace !== undefined ? namespaces.get(object.namespace) : undefined;
      const nsName = object.kind === 'Namespace' ? object.name : object.namespace;
      const labels = labelsOf(object);
      const nsLabels = namespace ? labelsOf(namespace) : {};
      const matching = this.profiles.filter((p) => {
        if (p.namespaceMatch && (nsName === undefined || !p.namespaceMatch(nsName))) return false;
        const wanted = Object.entries(p.match.labels ?? {});
        return wanted.every(([k, v]) => labels[k] === v) || (wanted.length > 0 && wanted.every(([k, v]) => nsLabels[k] === v));
      });
      const enforced = object.kind !== 'Namespace' && namespace && this.settings.pssFromNamespaces ? enforcedBy(namespace, this.settings.pss.minor) : undefined;
      const scope = this.scopeOf(matching, enforced?.pss.level, enforced?.pss.minor);
      // The label is related when it is what set the level (no profile raised it above).
      if (!enforced || scope.pss.level !== enforced.pss.level || scope.pss.minor !== enforced.pss.minor) return scope;
      return { ...scope, pssFrom: { object: enforced.object, path: enforced.path, level: enforced.pss.level } };
    };
  }

  private scopeOf(profiles: readonly CompiledProfile[], namespaceLevel: PssLevel | undefined, namespaceMinor?: number): ObjectScope {
    const key = `${profiles.map((p) => p.name).join('\0')}\0${namespaceLevel ?? ''}\0${namespaceMinor ?? ''}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const required = maxLevel(profiles.flatMap((p) => (p.pss?.level ? [p.pss.level] : [])));
    // The namespace's label is what admission enforces; a profile's level is a floor under it wherever it is deployed.
    const level = namespaceLevel !== undefined ? maxLevel([namespaceLevel, ...(required ? [required] : [])])! : (required ?? this.settings.pss.level);
    const profileMinor = profiles.find((p) => p.pss?.version)?.pss?.version;
    const minor = profileMinor !== undefined ? parsePssVersion(profileMinor)! : (namespaceMinor ?? this.settings.pss.minor);
    const enabled = new Set(profiles.flatMap((p) => p.rules?.enable ?? []));
    const disabled = new Set(profiles.flatMap((p) => p.rules?.disable ?? []).filter((id) => !enabled.has(id)));
    const configured = new Set(activeRules(this.rules, this.settings, level).map((r) => r.rule.id));
    const severity = (rule: RuleDefinition): Severity => {
      const grades = profiles.flatMap((p) => (p.rules?.severity?.[rule.id] ? [p.rules.severity[rule.id]] : []));
      return grades.length > 0 ? SEVERITIES[Math.max(...grades.map(severityRank))] : (this.settings.rules.severity[rule.id] ?? rule.severity);
    };
    const rules = this.rules
      .filter((rule) => (configured.has(rule.id) || (enabled.has(rule.id) && pssRuleRunsAt(rule, level))) && !disabled.has(rule.id))
      .map((rule) => ({ rule, severity: severity(rule) }));
    const thresholds = profiles.flatMap((p) => (p.failOn ? [p.failOn] : []));
    const failOn = thresholds.length === 0 ? undefined : strictestFailOn(thresholds);
    const scope: ObjectScope = {
      rules,
      pss: { ...this.settings.pss, level, minor },
      ...(failOn ? { failOn } : {}),
      profiles: profiles.map((p) => p.name),
      severities: new Map(rules.map((r) => [r.rule.id, r.severity]))
    };
    this.cache.set(key, scope);
    return scope;
  }
}

/**
 * One object's findings as its scope has them: only the rules that apply to it, at their severity, marked with the
 * profiles and threshold that shape them; a Pod Security finding relates the Namespace label that set the level.
 */
export function inScope(findings: readonly Finding[], scope: ObjectScope): Finding[] {
  const out: Finding[] = [];
  for (const f of findings) {
    const severity = scope.severities.get(f.ruleId);
    if (!severity) continue;
    const [shaped] = withProfiles([{ ...f, severity }], scope);
    if (scope.pssFrom && f.ruleId.startsWith('pss-')) {
      const { object, path, level } = scope.pssFrom;
      shaped.related = [...f.related, { ...object.sourceMap.locate(path).location, label: `Namespace ${object.name} enforces the ${level} level` }];
    }
    out.push(shaped);
  }
  return out;
}

/** Findings marked with the profiles and threshold of the object's scope. */
export function withProfiles(findings: readonly Finding[], scope: ObjectScope): Finding[] {
  if (scope.profiles.length === 0 && !scope.failOn) return [...findings];
  return findings.map((f) => ({ ...f, ...(scope.profiles.length > 0 ? { profiles: scope.profiles } : {}), ...(scope.failOn ? { failOn: scope.failOn } : {}) }));
}

function maxLevel(levels: readonly PssLevel[]): PssLevel | undefined {
  return levels.length === 0 ? undefined : LEVELS[Math.max(...levels.map((l) => LEVELS.indexOf(l)))];
}

/** The lowest threshold blocks the most; `none` only when every profile says so. */
function strictestFailOn(thresholds: readonly FailOn[]): FailOn {
  const severities = thresholds.filter((t): t is Severity => t !== 'none');
  return severities.length === 0 ? 'none' : SEVERITIES[Math.min(...severities.map(severityRank))];
}

/** The level and version a Namespace's labels enforce; undefined when it has no valid enforce label. */
function enforcedBy(namespace: KubeObject, minor: number): { pss: PssSettings; object: KubeObject; path: JsonPath } | undefined {
  const labels = labelsOf(namespace);
  const level = labels[ENFORCE_LABEL];
  if (!LEVELS.includes(level as PssLevel)) return undefined;
  const version = labels[ENFORCE_VERSION_LABEL];
  const pinned = version === undefined ? undefined : parsePssVersion(version);
  return { pss: { level: level as PssLevel, minor: pinned ?? minor }, object: namespace, path: ['metadata', 'labels', ENFORCE_LABEL] };
}
