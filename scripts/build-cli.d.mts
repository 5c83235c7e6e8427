// Types of build-cli.mjs, which is plain JavaScript because it runs before anything is built.

/** Builds dist/cli.mjs and dist/sweep-worker.mjs from the sources (and removes older chunks). */
export function buildCli(): Promise<void>;
