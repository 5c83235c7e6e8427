// Types of build-cli.mjs, which is plain JavaScript because it runs before anything is built.

import type { BuildOptions } from 'esbuild';

/** How cubesim's code is bundled for Node (entry points and output left to the caller). */
export const NODE_BUNDLE: BuildOptions;

/** Builds dist/cli.mjs and dist/sweep-worker.mjs from the sources (and removes older chunks). */
export function buildCli(): Promise<void>;
