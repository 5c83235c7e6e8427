// report.html: one self-contained file. The page script (page.ts, bundled with d3 by esbuild)
// and its CSS are inline; the data is a JSON block that no browser runs as code. A
// Content-Security-Policy allows nothing from the network, so the report opens from disk, offline.

import { existsSync } from 'node:fs';
import { InputError } from '../errors.ts';
import { displayPath, PROJECT_DIR } from '../experiment/load.ts';
import { addToManifest, readFolderManifest, writeBeside } from '../output/results-dir.ts';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { collectReport } from './collect.ts';
import { REPORT_DOM, type ReportData } from './data.ts';
import { REPORT_CSS } from './style.ts';

/** The page script's source, bundled when a report is written (the same file compiled or not). */
const PAGE = resolve(PROJECT_DIR, 'src/report/page.ts');

let bundled: Promise<string> | null = null;

/** The page script, bundled once per process. */
function pageScript(): Promise<string> {
  bundled ??= build({
    entryPoints: [PAGE],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    write: false,
    logLevel: 'silent',
  }).then((r) => r.outputFiles[0]!.text);
  return bundled;
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JSON that cannot end its <script> block or be read as markup. */
export function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function titleOf(data: ReportData): string {
  switch (data.kind) {
    case 'run':
      return `cubesim report: ${data.run.experiment}`;
    case 'sweep':
      return `cubesim sweep: ${data.sweep.experiment}`;
    case 'compare':
      return `cubesim compare: ${data.compare.experiment}`;
  }
}

export async function renderReport(data: ReportData): Promise<string> {
  const js = (await pageScript()).replace(/<\/script/gi, '<\\/script');
  const csp =
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:";
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeText(titleOf(data))}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    `<script type="application/json" id="${REPORT_DOM.data}">${embedJson(data)}</script>`,
    `<script>${js}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * Writes DIR/report.html for a results folder (through a temporary file, renamed when complete)
 * and lists it in the folder's manifest.json. An existing report.html is replaced only with
 * `force`, and only when cubesim wrote it (the manifest lists it).
 */
export async function writeReport(dir: string, force = false): Promise<string> {
  const final = join(dir, 'report.html');
  const shown = displayPath(final);
  const manifest = readFolderManifest(dir);
  if (existsSync(final)) {
    if (!force) throw new InputError(shown, undefined, 'already exists; give --force to replace it');
    if (manifest === undefined || !manifest.files.includes('report.html'))
      throw new InputError(
        shown,
        undefined,
        "was not written by cubesim (the folder's manifest.json does not list it); --force replaces only a report cubesim wrote",
      );
  }
  writeBeside(final, await renderReport(await collectReport(dir)));
  if (manifest !== undefined) addToManifest(dir, 'report.html');
  return final;
}
