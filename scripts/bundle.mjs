// Builds the committed dist/: the action entry (dist/index.js) and the CLI (dist/cli.js).
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
await build({
  ...common,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
  banner: { js: '#!/usr/bin/env node\n' + common.banner.js }
});
chmodSync('dist/cli.js', 0o755);
