#!/usr/bin/env node
// Entry point of the `cubesim` command: the compiled JavaScript in dist/, built from the
// TypeScript sources by `npm ci` (prepare) or `npm run build` (scripts/build-cli.mjs).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.mjs', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('cubesim: the compiled command dist/cli.mjs is missing; run npm run build (npm ci builds it)\n');
  process.exit(2);
}
await import(cli.href);
