/** Which GitRepository is this checkout: URLs compared as Flux users write them, whatever the transport. */
import { describe, expect, test } from '@jest/globals';
import { normalizeGitUrl } from '../../src/targets/declared.js';

describe('normalizeGitUrl', () => {
  test.each([
    ['https://github.com/acme/gitops', 'github.com/acme/gitops'],
    ['https://github.com/Acme/GitOps.git', 'github.com/acme/gitops'],
    ['ssh://git@github.com/acme/gitops', 'github.com/acme/gitops'],
    ['ssh://git@github.com:22/acme/gitops.git', 'github.com/acme/gitops'],
    ['git@github.com:acme/gitops.git', 'github.com/acme/gitops'],
    ['https://x-access-token:abc@github.com/acme/gitops/', 'github.com/acme/gitops']
  ])('%s -> %s', (url, normalized) => {
    expect(normalizeGitUrl(url)).toBe(normalized);
  });

  test('another repository stays another', () => {
    expect(normalizeGitUrl('https://github.com/acme/gitops-other')).not.toBe(normalizeGitUrl('https://github.com/acme/gitops'));
  });
});
