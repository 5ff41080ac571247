/** The base policy's decisions, and the address guard, on the inputs a hostile pull request would write. */
import { describe, expect, test } from '@jest/globals';
import { nonPublicReason } from '../../src/fetch/address-guard.js';
import { parseDockerAuths, RepositoryPolicy } from '../../src/fetch/policy.js';

describe('repositories.allow', () => {
  const policy = new RepositoryPolicy({
    allow: ['oci://ghcr.io/org/charts', 'https://Charts.Example.com/stable/', 'http://10.1.2.3:8080/repo'],
    mirrors: [{ from: 'oci://ghcr.io', to: 'oci://registry.internal.example/ghcr' }]
  });

  test('matches on path-segment boundaries, host and port, after normalising the spelling', () => {
    expect(policy.decide('oci://ghcr.io/org/charts/app')).toMatchObject({ allowed: true });
    expect(policy.decide('oci://GHCR.IO/org/charts')).toMatchObject({ allowed: true });
    expect(policy.decide('https://charts.example.com:443/stable')).toMatchObject({ allowed: true, plainHTTP: false });
    expect(policy.decide('oci://ghcr.io/org/charts-evil/app')).toMatchObject({ allowed: false, reason: 'oci://ghcr.io/org/charts-evil/app is not in repositories.allow' });
    expect(policy.decide('https://charts.example.com:8443/stable')).toMatchObject({ allowed: false });
    expect(policy.decide('http://charts.example.com/stable')).toMatchObject({ allowed: false });
    expect(policy.decide('file:///etc/passwd')).toMatchObject({ allowed: false, reason: expect.stringContaining('is not an https://, http:// or oci:// location') });
    expect(policy.decide('https://user:pw@charts.example.com/stable')).toMatchObject({ allowed: false, reason: expect.stringContaining('carries credentials in the URL') });
  });

  test('a mirror is fetched from instead; plain HTTP only where an entry says so', () => {
    const decision = policy.decide('oci://ghcr.io/org/charts/app');
    expect(decision.allowed && decision.fetchFrom).toEqual({ scheme: 'oci', host: 'registry.internal.example', path: '/ghcr/org/charts/app' });
    expect(policy.decide('http://10.1.2.3:8080/repo')).toMatchObject({ allowed: true, plainHTTP: true });
    expect(policy.mayUsePlainHTTP('10.1.2.3', 8080)).toBe(true);
    expect(policy.mayUsePlainHTTP('10.1.2.3', 8081)).toBe(false);
    expect(policy.mayUsePlainHTTP('charts.example.com', undefined)).toBe(false);
  });

  test('a private address is reachable only for a host an entry names', () => {
    expect(policy.mayReachPrivate('10.1.2.3')).toBe(true);
    expect(policy.mayReachPrivate('registry.internal.example')).toBe(true);
    expect(policy.mayReachPrivate('10.1.2.4')).toBe(false);
    expect(policy.mayReachPrivate('169.254.169.254')).toBe(false);
  });

  test('nothing is allowed until configured, and the snippet allows exactly what was needed', () => {
    expect(new RepositoryPolicy().decide('https://charts.example.com')).toMatchObject({ allowed: false });
    expect(RepositoryPolicy.allowSnippet(['oci://b.example/x', 'https://a.example/y', 'oci://b.example/x'])).toBe('repositories:\n  allow:\n    - https://a.example/y\n    - oci://b.example/x');
  });

  test('an entry that is not a location is a configuration error naming the file', () => {
    expect(() => new RepositoryPolicy({ allow: ['ftp://x.example'] }, {}, {}, 'base/.gitops-gate.yaml')).toThrow('base/.gitops-gate.yaml: repositories.allow: "ftp://x.example" is not an https://, http:// or oci:// location');
  });
});

describe('credentials', () => {
  const auths = parseDockerAuths(JSON.stringify({ auths: { 'ghcr.io': { auth: Buffer.from('bot:ghp_x').toString('base64') }, 'https://index.docker.io/v1/': { username: 'hub', password: 'pw' }, broken: { auth: 'bm9jb2xvbg==' } } }));
  const policy = new RepositoryPolicy(
    { allow: ['https://charts.internal.example', 'oci://ghcr.io/org'], credentials: [{ url: 'https://charts.internal.example/private', usernameEnv: 'U', passwordEnv: 'P' }, { url: 'https://other.example', passwordEnv: 'MISSING' }] },
    { U: 'ci', P: 'token' },
    auths
  );
  const at = (scheme: 'https' | 'oci', host: string, path = '') => ({ scheme, host, path });

  test('from the environment variables an entry names, for its host and path only', () => {
    expect(policy.credentialsFor(at('https', 'charts.internal.example', '/private/x'))).toEqual({ credentials: { username: 'ci', password: 'token' } });
    expect(policy.credentialsFor(at('https', 'charts.internal.example', '/public'))).toEqual({});
    expect(policy.credentialsFor(at('https', 'evil.example', '/private'))).toEqual({});
    expect(policy.credentialsFor(at('https', 'other.example'))).toEqual({ problem: 'the environment variable MISSING named for https://other.example is not set' });
  });

  test("registries use the Docker config's auths for their host", () => {
    expect(Object.keys(auths).sort()).toEqual(['ghcr.io', 'https://index.docker.io/v1/']);
    expect(policy.credentialsFor(at('oci', 'ghcr.io', '/org/charts'))).toEqual({ credentials: { username: 'bot', password: 'ghp_x' } });
    expect(policy.credentialsFor(at('oci', 'docker.io', '/library'))).toEqual({ credentials: { username: 'hub', password: 'pw' } });
    expect(policy.credentialsFor(at('https', 'ghcr.io'))).toEqual({});
  });
});

describe('the address guard', () => {
  test.each([
    ['127.0.0.1', true],
    ['10.0.0.8', true],
    ['172.20.1.1', true],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['224.0.0.1', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::ffff:a9fe:a9fe', true],
    ['::ffff:808:808', false],
    ['fd00:ec2::254', true],
    ['fe80::1', true],
    ['8.8.8.8', false],
    ['140.82.112.3', false],
    ['2606:4700::1111', false]
  ])('%s non-public: %s', (address, blocked) => {
    expect(nonPublicReason(address) !== undefined).toBe(blocked);
  });
});
