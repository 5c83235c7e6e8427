// npm run notebooks: bundles each notebook's page script (notebooks/<name>.ts) with esbuild and
// writes one self-contained HTML file per notebook into notebooks/dist/, the script and the
// styles inline, so a notebook opens from disk (file://) with no server and no network; plus an
// index.html linking them. Each page carries a Content-Security-Policy that allows only its own
// inline script (by hash) and inline styles: nothing can be fetched from anywhere.

import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const NOTEBOOKS_DIR = join(ROOT, 'notebooks');
export const DIST_DIR = join(NOTEBOOKS_DIR, 'dist');

export interface Notebook {
  /** File name without extension: notebooks/<name>.ts and .html, dist/<name>.html. */
  name: string;
  title: string;
  /** One sentence for the index page. */
  summary: string;
}

export const NOTEBOOKS: readonly Notebook[] = [
  {
    name: 'session-timers-one-call',
    title: 'Session timers in one call',
    summary:
      'One call through the border element, message by message: change Session-Expires, Min-SE, the refresher, the policy, the release or the packet loss and watch the ladder change.',
  },
  {
    name: 'why-15-and-30-minutes',
    title: 'Why calls drop at 15 and 30 minutes',
    summary:
      'A few hundred calls: when are the dropped ones cut off, and why does it always happen at the same instant?',
  },
  {
    name: 'refresh-load',
    title: 'Refresh load on a platform',
    summary:
      'How many session refreshes per second a border element carries for a number of concurrent calls, against the planning formula N × legs / (SE/2).',
  },
];

/** Styles shared by every notebook page (a page may add its own in its template). */
const CSS = `
:root { --ink: #1d2430; --muted: #5b6472; --line: #d5dae1; --accent: #1f5fa8; --bad: #b3261e; --good: #1e7b34; --paper: #fff; --panel: #f5f7fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--paper); }
main { max-width: 1180px; margin: 0 auto; padding: 20px 24px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 24px 0 8px; }
p { margin: 6px 0 10px; max-width: 80ch; }
a { color: var(--accent); }
.lead { color: var(--muted); }
nav.top { font-size: 13px; margin-bottom: 8px; }
form.inputs { display: flex; flex-wrap: wrap; gap: 10px 18px; align-items: flex-end; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; margin: 12px 0; }
form.inputs label { display: flex; flex-direction: column; font-size: 13px; color: var(--muted); gap: 3px; }
form.inputs input, form.inputs select { font: inherit; font-size: 14px; color: var(--ink); padding: 4px 6px; border: 1px solid #b9c0ca; border-radius: 4px; background: #fff; }
form.inputs input[type=number] { width: 8em; }
.note { font-size: 13px; color: var(--muted); max-width: 80ch; }
.note:empty { display: none; }
.error { color: var(--bad); background: #fdeeee; border: 1px solid #f0c4c1; border-radius: 4px; padding: 8px 10px; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; white-space: pre-wrap; }
.error:empty { display: none; }
.story { background: #eef4fb; border-left: 4px solid var(--accent); padding: 8px 12px; margin: 10px 0; max-width: 90ch; }
.story p { margin: 4px 0; }
.story:empty { display: none; }
pre.config { background: #1f2430; color: #e8ecf2; padding: 10px 12px; border-radius: 6px; font-size: 13px; line-height: 1.4; overflow: auto; max-width: 60ch; }
.cols { display: flex; flex-wrap: wrap; gap: 20px; align-items: flex-start; }
.cols > * { min-width: 0; }
.chart { overflow-x: auto; }
.chart svg { display: block; }
.axis text { font-size: 11px; fill: var(--muted); }
.axis path, .axis line { stroke: #9aa3ae; }
.legend { font-size: 12px; fill: var(--ink); }
.caption { font-size: 12px; fill: var(--muted); }
.timing { font-size: 12px; color: var(--muted); }
.empty { font-size: 14px; fill: var(--muted); }
`;

const INDEX_TEMPLATE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>cubesim notebooks</title>
{{head}}
</head>
<body>
<main>
<h1>cubesim notebooks</h1>
<p class="lead">Interactive pages that run the cubesim model of a Cisco Unified Border Element in your browser: no server, no network. Each change of an input runs the simulation again.</p>
<ul>
{{list}}
</ul>
</main>
</body>
</html>
`;

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Replaces `{{key}}` markers; a function replacer, so `$` in the script is never special. */
function fill(template: string, values: Record<string, string>, file: string): string {
  for (const key of Object.keys(values)) {
    if (!template.includes(`{{${key}}}`)) throw new Error(`${file}: the marker {{${key}}} is missing`);
  }
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
}

/** Script text that cannot end or comment out the inline <script> element it sits in. */
function inlineSafe(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

function csp(scripts: readonly string[]): string {
  const hashes = scripts.map((s) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`);
  const policy = [
    "default-src 'none'",
    `script-src ${hashes.length > 0 ? hashes.join(' ') : "'none'"}`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<meta http-equiv="Content-Security-Policy" content="${policy}">`;
}

/** Bundles one page script into a single minified IIFE for the browser. */
async function bundle(entry: string, minify: boolean): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify,
    write: false,
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'silent',
  });
  const out = result.outputFiles[0];
  if (out === undefined) throw new Error(`${entry}: esbuild wrote nothing`);
  return out.text;
}

export interface BuildResult {
  outDir: string;
  /** The HTML files written, notebooks then index.html. */
  files: string[];
}

export interface BuildOptions {
  /** Where to write (default notebooks/dist). */
  outDir?: string;
  /** Minify the scripts (default true). */
  minify?: boolean;
  /** Build only these notebooks (default all); the index lists them all. */
  only?: readonly string[];
}

/** Builds the notebooks into `outDir`. */
export async function buildNotebooks(options: BuildOptions = {}): Promise<BuildResult> {
  const outDir = resolve(options.outDir ?? DIST_DIR);
  const minify = options.minify ?? true;
  const unknown = (options.only ?? []).filter((n) => !NOTEBOOKS.some((nb) => nb.name === n));
  if (unknown.length > 0)
    throw new Error(`unknown notebook ${unknown.join(', ')}; allowed: ${NOTEBOOKS.map((nb) => nb.name).join(', ')}`);
  const chosen = options.only === undefined ? NOTEBOOKS : NOTEBOOKS.filter((nb) => options.only!.includes(nb.name));
  const pages = await Promise.all(
    chosen.map(async (nb) => {
      const templateFile = join(NOTEBOOKS_DIR, `${nb.name}.html`);
      const template = readFileSync(templateFile, 'utf8');
      const js = inlineSafe(await bundle(join(NOTEBOOKS_DIR, `${nb.name}.ts`), minify));
      const html = fill(
        template,
        { head: `${csp([js])}\n<style>${CSS}</style>`, script: `<script>${js}</script>` },
        templateFile,
      );
      return { file: `${nb.name}.html`, html };
    }),
  );
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  for (const p of pages) {
    const file = join(outDir, p.file);
    writeFileSync(file, p.html);
    files.push(file);
  }
  const list = NOTEBOOKS.map(
    (nb) => `<li><a href="${escapeHtml(nb.name)}.html">${escapeHtml(nb.title)}</a>: ${escapeHtml(nb.summary)}</li>`,
  ).join('\n');
  const index = join(outDir, 'index.html');
  writeFileSync(index, fill(INDEX_TEMPLATE, { head: `${csp([])}\n<style>${CSS}</style>`, list }, 'index.html'));
  files.push(index);
  return { outDir, files };
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  try {
    const only = process.argv.slice(2);
    const { files } = await buildNotebooks(only.length > 0 ? { only } : {});
    for (const f of files) console.log(`wrote ${f}`);
    console.log(
      `open ${join(DIST_DIR, 'index.html')} in a browser (a double click is enough: the pages need no server)`,
    );
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  }
}
