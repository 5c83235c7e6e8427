/// <reference lib="dom" />
// The report page's script, bundled with d3 into report.html by render.ts. It reads the report
// data from the JSON block in the page and draws one of three reports: a run (headline figures,
// outcomes, time series, histograms, sample ladders), a sweep (figures against the swept
// parameter), or a comparison (side A against side B, call by call).
//
// Every string from the data reaches the page through textContent (d3 .text()): names and
// descriptions may hold any characters, and they show as they are, never as markup.

import { select } from 'd3';
import { drawCompare } from './compare-report.ts';
import { REPORT_DOM, type ReportData } from './data.ts';
import { el } from './page-elements.ts';
import { drawRun } from './run-report.ts';
import { drawSweep } from './sweep-report.ts';

function pageHeader(kind: string, version: string): void {
  const h = select(document.body).append('header').attr('class', 'report-header');
  el(h, 'span', 'cubesim', 'brand');
  el(h, 'span', `${kind} report${version !== '' ? ` · cubesim ${version}` : ''}`, 'kind');
}

function fail(message: string): void {
  const s = select(document.body).append('section').attr('class', 'error');
  el(s, 'h2', 'This report cannot be shown');
  el(s, 'p', message);
}

export function main(): void {
  const node = document.getElementById(REPORT_DOM.data);
  if (node === null) {
    fail(`No report data: the page has no element #${REPORT_DOM.data}.`);
    return;
  }
  let data: ReportData;
  try {
    data = JSON.parse(node.textContent ?? '') as ReportData;
  } catch (err) {
    fail(`The report data is not valid JSON: ${String(err)}`);
    return;
  }
  switch (data.kind) {
    case 'run':
      pageHeader('run', data.cubesim);
      drawRun(data.run, data.cubesim);
      break;
    case 'sweep':
      pageHeader('sweep', data.cubesim);
      drawSweep(data.sweep);
      break;
    case 'compare':
      pageHeader('compare', data.cubesim);
      drawCompare(data.compare);
      break;
    default:
      fail(`Unknown report kind: ${String((data as { kind: unknown }).kind)}.`);
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
else main();
