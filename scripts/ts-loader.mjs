// Lets `node --import ./scripts/ts-loader.mjs file.ts` run TypeScript sources (bench, doc generator)
// without a separate runtime: esbuild strips the types of each .ts module as Node loads it.
import { register } from 'node:module';
register('./ts-hooks.mjs', import.meta.url);
