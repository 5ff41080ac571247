// Builds the committed dist/: the action entry (dist/index.js), the CLI (dist/cli.js) and the Helm render worker.
// Deterministic: no timestamps, no absolute paths, minification off so diffs stay readable.
import { build } from 'esbuild';
import { rmSync, chmodSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  legalComments: 'none',
  logLevel: 'warning',
  // Some CommonJS dependencies call require() on Node built-ins; give the ESM bundle a require.
  banner: { js: "import { createRequire as __gg_createRequire } from 'node:module';\nconst require = __gg_createRequire(import.meta.url);" }
};
await build({ ...common, entryPoints: ['src/main.ts'], outfile: 'dist/index.js' });
// The Helm render process, forked by both entries from beside them (src/render/helm-pool.ts).
await build({ ...common, entryPoints: ['src/render/helm-worker.ts'], outfile: 'dist/helm-worker.js' });
await build({
  ...common,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
  banner: { js: '#!/usr/bin/env node\n' + common.banner.js }
});
chmodSync('dist/cli.js', 0o755);
