import { describe, expect, test } from '@jest/globals';
import { applyConfig, ConfigError, defaultSettings, parseConfig } from '../../src/settings/config.js';

describe('config file', () => {
  test('a complete config is applied over the defaults', () => {
    const config = parseConfig(
      `failOn: medium
pss:
  level: baseline
  version: v1.29
rules:
  disable: [image-not-pinned-by-digest]
  severity:
    pss-privileged: critical
include: ["apps/**"]
exclude: ["apps/legacy/**"]
scanHiddenFolders: true
scanTemplates: true
kubeVersion: v1.33.4
apiVersions: [monitoring.coreos.com/v1]
skipSchemaValidation: true
ciValues: true
targets:
  - path: apps/shop/overlays/prod
charts:
  - path: charts/web
    releaseName: web
    values:
      - [charts/web/values-prod.yaml]
    set:
      image.tag: "1.2.3"
    kubeVersion: "1.31"
limits:
  maxFileBytes: 1000
  renderTimeoutSeconds: 5
  scanTimeoutSeconds: 90
`,
      '.gitops-gate.yaml'
    );
    const settings = applyConfig(defaultSettings('/repo'), config, '.gitops-gate.yaml');
    expect(settings.failOn).toBe('medium');
    expect(settings.pss).toEqual({ level: 'baseline', minor: 29 });
    expect(settings.rules.disable).toEqual(['image-not-pinned-by-digest']);
    expect(settings.rules.severity).toEqual({ 'pss-privileged': 'critical' });
    expect(settings.discovery).toEqual({
      include: ['apps/**'],
      exclude: ['apps/legacy/**'],
      targets: [{ path: 'apps/shop/overlays/prod' }],
      charts: [{ path: 'charts/web', releaseName: 'web', values: [['charts/web/values-prod.yaml']], set: { 'image.tag': '1.2.3' }, kubeVersion: '1.31' }],
      configSource: '.gitops-gate.yaml',
      helm: { kubeVersion: 'v1.33.4', apiVersions: ['monitoring.coreos.com/v1'], skipSchemaValidation: true },
      ciValues: true,
      hiddenFolders: true,
      toolTemplates: true
    });
    expect(settings.limits).toEqual({ maxFileBytes: 1000, renderTimeoutMs: 5000, scanTimeoutMs: 90_000 });
    expect(settings.configSource).toBe('.gitops-gate.yaml');
  });

  test('defaults: fail on high, restricted at the latest version', () => {
    const settings = defaultSettings('/repo');
    expect(settings.failOn).toBe('high');
    expect(settings.pss).toEqual({ level: 'restricted', minor: 37 });
  });

  test('an unknown key is an error naming the file, line and key', () => {
    expect(() => parseConfig('failOn: high\npss:\n  levle: baseline\n', '.gitops-gate.yaml')).toThrow(
      new ConfigError('.gitops-gate.yaml:3: unknown key "levle" at pss')
    );
  });

  test('a wrong type is an error naming the key', () => {
    expect(() => parseConfig('include: apps/**\n', 'cfg.yaml')).toThrow(/cfg\.yaml:1: include must be array/);
    expect(() => parseConfig('failOn: severe\n', 'cfg.yaml')).toThrow(/cfg\.yaml:1: failOn must be one of "none", "low", "medium", "high", "critical"/);
  });

  test('an unknown policy version is refused', () => {
    expect(() => parseConfig('pss:\n  version: v1.99\n', 'cfg.yaml')).toThrow(/pss\.version "v1\.99" is not a known policy version/);
  });

  test('invalid YAML in the config names the file and line', () => {
    expect(() => parseConfig('failOn: high\nfailOn: low\n', 'cfg.yaml')).toThrow(/cfg\.yaml:2: invalid YAML/);
  });
});
