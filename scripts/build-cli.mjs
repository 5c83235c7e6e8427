// Builds the compiled command (dist/cli.mjs) and the sweep worker it starts (dist/sweep-worker.mjs)
// from the TypeScript sources with esbuild. The packages are bundled in too (one parse instead of
// hundreds of module files: `cubesim --help` in about 0.2 s), except esbuild (a native binary)
// and tsx; code only some commands need (report, emulate, ...) sits in chunks loaded when used.
// Every file lands in dist/, one level below the project, as src/ is, so that paths found from
// import.meta.url hold both ways. Run by `npm ci` (prepare), `npm run build`, and before the
// tests; nothing compiled is committed. Plain JavaScript, so that it runs before anything is built.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** How cubesim's code is bundled for Node: here, and for the benchmark's run (scripts/bench.ts). */
export const NODE_BUNDLE = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['esbuild', 'tsx'],
  // Bundled CommonJS packages (seedrandom, yargs' helpers) call require.
  banner: {
    js: "import { createRequire as cubesimCreateRequire } from 'node:module'; const require = cubesimCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
};

export async function buildCli() {
  const result = await build({
    ...NODE_BUNDLE,
    entryPoints: { cli: 'src/cli/main.ts', 'sweep-worker': 'src/experiment/sweep-worker.ts' },
    outdir: 'dist',
    outExtension: { '.js': '.mjs' },
    splitting: true,
    sourcemap: 'linked',
    metafile: true,
  });
  // Chunk names carry a hash: the chunks of earlier builds would pile up in dist/ (and in the
  // package). What this build did not write goes.
  const written = new Set(Object.keys(result.metafile.outputs).map((p) => relative('dist', p)));
  const dist = join(root, 'dist');
  for (const name of readdirSync(dist))
    if (!written.has(name)) rmSync(join(dist, name), { recursive: true, force: true });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli();
