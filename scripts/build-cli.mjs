// Builds the compiled command (dist/cli.mjs) and the sweep worker it starts (dist/sweep-worker.mjs)
// from the TypeScript sources with esbuild. The packages are bundled in too (one parse instead of
// hundreds of module files: `cubesim --help` in about 0.2 s), except esbuild (a native binary),
// piscina (it starts workers from its own files) and tsx; code only some commands need (report,
// emulate, ...) sits in chunks loaded when used. Every file lands in dist/, one level below the
// project, as src/ is, so that paths found from import.meta.url hold both ways. Run by `npm ci`
// (prepare), `npm run build`, and before the tests; nothing compiled is committed. Plain
// JavaScript, so that it runs before anything is built.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export async function buildCli() {
  await build({
    absWorkingDir: root,
    entryPoints: { cli: 'src/cli/main.ts', 'sweep-worker': 'src/experiment/sweep-worker.ts' },
    outdir: 'dist',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['esbuild', 'piscina', 'tsx'],
    // Bundled CommonJS packages (seedrandom, yargs' helpers) call require.
    banner: { js: "import { createRequire as cubesimCreateRequire } from 'node:module'; const require = cubesimCreateRequire(import.meta.url);" },
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli();
