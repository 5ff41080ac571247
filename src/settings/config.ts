/**
 * The config file (.gitops-gate.yaml): read, validated against schemas/config.schema.json, merged over the
 * defaults. A wrong key or type is a ConfigError naming the file, the line and the key.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describeSchemaErrors } from '../util/schema-errors.js';
import { parseYaml } from '../objects/yaml-source.js';
import type { ClusterConfig } from '../targets/types.js';
import { parsePssVersion, LATEST_PSS_MINOR, type PssLevel } from '../analyze/pss/types.js';
import type { Severity } from '../analyze/types.js';
import { DEFAULT_MAX_FILE_BYTES } from '../repo/files.js';
import { packageFile } from '../util/package-root.js';
import type { ChartConfig } from '../targets/types.js';
import type { ExceptionRule } from '../policy/exceptions.js';
import { RepositoryPolicy, type RepositoriesConfig } from '../fetch/policy.js';
import type { FailOn, Profile, Settings } from './types.js';

export const CONFIG_FILE_NAMES = ['.gitops-gate.yaml', '.gitops-gate.yml'];

/**
 * The scan's time budget by default: 20 minutes, well inside a GitHub job's limits, long enough for large
 * monorepos (a required check that takes longer gets switched off anyway).
 */
export const DEFAULT_SCAN_TIMEOUT_MS = 20 * 60_000;

/** Largest config file read. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** What a config file may say; every field optional. */
export interface ConfigFile {
  failOn?: FailOn;
  pss?: { level?: PssLevel; version?: string; namespaceLabels?: boolean };
  profiles?: Profile[];
  admissionPolicies?: string[];
  relations?: 'target' | 'revision';
  images?: { allow?: string[] };
  rules?: { disable?: string[]; only?: string[]; severity?: Record<string, Severity>; custom?: string[] };
  exceptions?: ExceptionRule[];
  exceptionAnnotations?: 'any' | 'base' | 'off';
  include?: string[];
  exclude?: string[];
  scanHiddenFolders?: boolean;
  scanTemplates?: boolean;
  targets?: { path: string; kind?: 'kustomize' | 'helm' | 'manifests' }[];
  charts?: ChartConfig[];
  renderer?: 'builtin' | 'helm';
  kubeVersion?: string;
  apiVersions?: string[];
  skipSchemaValidation?: boolean;
  ciValues?: boolean;
  limits?: { maxFileBytes?: number; renderTimeoutSeconds?: number; scanTimeoutSeconds?: number };
  repositories?: RepositoriesConfig;
  repositoryURLs?: string[];
  localRevisions?: string[];
  clusters?: ClusterConfig[];
}

let validate: ReturnType<Ajv['compile']> | undefined;

/** Parses and validates config text; `source` names the file in errors. */
export function parseConfig(text: string, source: string): ConfigFile {
  const { documents, errors } = parseYaml(text, source);
  if (errors.length > 0) {
    const e = errors[0];
    throw new ConfigError(`${source}${e.line ? `:${e.line}` : ''}: ${e.reason}`);
  }
  const doc = documents[0];
  const value = doc?.value ?? {};
  validate ??= new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(packageFile('schemas', 'config.schema.json'), 'utf8')));
  if (!validate(value)) {
    const problems = (validate.errors ?? []).map((err) => {
      const path = err.instancePath.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
      const key = err.keyword === 'additionalProperties' ? [...path, (err.params as { additionalProperty: string }).additionalProperty] : path;
      const line = doc ? doc.sourceMap.locate(key).location.line : 1;
      return `${source}:${line}: ${describeSchemaErrors([err])[0] ?? err.message}`;
    });
    throw new ConfigError(problems.join('\n'));
  }
  const config = value as ConfigFile;
  if (config.repositories) {
    try {
      new RepositoryPolicy(config.repositories, {}, {}, source);
    } catch (err) {
      throw new ConfigError((err as Error).message);
    }
  }
  if (config.pss?.version !== undefined && parsePssVersion(config.pss.version) === undefined) {
    throw new ConfigError(`${source}: pss.version "${config.pss.version}" is not a known policy version (v1.0 to v1.${LATEST_PSS_MINOR}, or latest)`);
  }
  const names = new Set<string>();
  for (const profile of config.profiles ?? []) {
    if (names.has(profile.name)) throw new ConfigError(`${source}: profile "${profile.name}" is defined twice`);
    names.add(profile.name);
    if (profile.pss?.version !== undefined && parsePssVersion(profile.pss.version) === undefined) {
      throw new ConfigError(`${source}: profile "${profile.name}": pss.version "${profile.pss.version}" is not a known policy version (v1.0 to v1.${LATEST_PSS_MINOR}, or latest)`);
    }
  }
  return config;
}

export function defaultSettings(root: string): Settings {
  return {
    root,
    failOn: 'high',
    pss: { level: 'restricted', minor: LATEST_PSS_MINOR },
    pssFromNamespaces: true,
    profiles: [],
    admissionPolicies: [],
    relations: 'target',
    images: {},
    rules: { disable: [], severity: {}, custom: [] },
    exceptions: [],
    exceptionAnnotations: 'any',
    discovery: { include: [], exclude: [], targets: [], charts: [] },
    renderer: 'builtin',
    limits: { maxFileBytes: DEFAULT_MAX_FILE_BYTES, renderTimeoutMs: 60_000, scanTimeoutMs: DEFAULT_SCAN_TIMEOUT_MS },
    repositories: {},
    repositoryURLs: [],
    localRevisions: ['', 'HEAD', 'main', 'master'],
    clusters: [],
    offline: false,
    configSource: ''
  };
}

/** Settings = defaults, then the config file. Flags and inputs are applied on top by the entry points. */
export function applyConfig(settings: Settings, config: ConfigFile, source: string): Settings {
  return {
    ...settings,
    failOn: config.failOn ?? settings.failOn,
    pss: {
      level: config.pss?.level ?? settings.pss.level,
      minor: config.pss?.version ? parsePssVersion(config.pss.version)! : settings.pss.minor
    },
    pssFromNamespaces: config.pss?.namespaceLabels ?? settings.pssFromNamespaces,
    profiles: config.profiles ?? settings.profiles,
    admissionPolicies: config.admissionPolicies ?? settings.admissionPolicies,
    relations: config.relations ?? settings.relations,
    images: { ...settings.images, ...(config.images?.allow ? { allow: config.images.allow } : {}) },
    rules: {
      disable: config.rules?.disable ?? settings.rules.disable,
      only: config.rules?.only ?? settings.rules.only,
      severity: { ...settings.rules.severity, ...config.rules?.severity },
      custom: config.rules?.custom ?? settings.rules.custom
    },
    exceptions: config.exceptions ?? settings.exceptions,
    exceptionAnnotations: config.exceptionAnnotations ?? settings.exceptionAnnotations,
    discovery: {
      include: config.include ?? settings.discovery.include,
      exclude: config.exclude ?? settings.discovery.exclude,
      targets: config.targets ?? settings.discovery.targets,
      charts: config.charts ?? settings.discovery.charts ?? [],
      configSource: source,
      helm: {
        ...settings.discovery.helm,
        ...(config.kubeVersion !== undefined ? { kubeVersion: config.kubeVersion } : {}),
        ...(config.apiVersions !== undefined ? { apiVersions: config.apiVersions } : {}),
        ...(config.skipSchemaValidation !== undefined ? { skipSchemaValidation: config.skipSchemaValidation } : {})
      },
      ciValues: config.ciValues ?? settings.discovery.ciValues ?? false,
      hiddenFolders: config.scanHiddenFolders ?? settings.discovery.hiddenFolders ?? false,
      toolTemplates: config.scanTemplates ?? settings.discovery.toolTemplates ?? false
    },
    renderer: config.renderer ?? settings.renderer,
    limits: {
      maxFileBytes: config.limits?.maxFileBytes ?? settings.limits.maxFileBytes,
      renderTimeoutMs: config.limits?.renderTimeoutSeconds !== undefined ? config.limits.renderTimeoutSeconds * 1000 : settings.limits.renderTimeoutMs,
      scanTimeoutMs: config.limits?.scanTimeoutSeconds !== undefined ? config.limits.scanTimeoutSeconds * 1000 : settings.limits.scanTimeoutMs
    },
    repositories: config.repositories ?? settings.repositories,
    repositoryURLs: config.repositoryURLs ?? settings.repositoryURLs,
    localRevisions: config.localRevisions ?? settings.localRevisions,
    clusters: config.clusters ?? settings.clusters,
    configSource: source
  };
}
