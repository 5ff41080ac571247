/**
 * Entry point of the `gitops-gate` command. A reader that stops early (`gitops-gate scan | head`) closes the
 * pipe: the rest of the output has nowhere to go, which is no error of the scan, so it ends quietly with the
 * verdict's exit status instead of a stack trace.
 */
import { main } from './cli/main.js';

for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
  });
}

process.exitCode = await main(process.argv.slice(2));
