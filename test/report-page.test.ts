// report.html in a real browser: results folders made by the simulator (a run, a sweep, a
// comparison), turned into reports by collect.ts and render.ts, opened in Debian's headless
// Chromium through a local static server. The page must draw what its data holds, raise no
// console error, ask for nothing beyond the local server, and show hostile strings as text.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compare, comparisonDir, loadSide, writeComparison } from '../src/experiment/compare.ts';
import { loadExperiment } from '../src/experiment/load.ts';
import { runExperiment } from '../src/experiment/run.ts';
import { parseParam, runSweep } from '../src/experiment/sweep.ts';
import { collectReport } from '../src/report/collect.ts';
import { REPORT_DOM, type ReportData } from '../src/report/data.ts';
import { renderReport } from '../src/report/render.ts';
import { toolPresent } from './helpers.ts';
import { hasChromium, launch, open, screenshot, serve, type OpenedPage } from './browser/chromium.ts';

const HOSTILE = '<script>alert(1)</script>';
const title = hasChromium
  ? 'report.html in headless Chromium'
  : 'report.html in headless Chromium (SKIPPED: no browser at /usr/bin/chromium; install Debian package chromium to run these)';

describe.skipIf(!toolPresent('chromium', hasChromium))(title, () => {
  let root = '';
  let browser: Browser;
  let server: { url: string; close: () => Promise<void> };
  const data: Partial<Record<'run' | 'sweep' | 'compare' | 'xss', ReportData>> = {};

  /** Writes a report page for `d` at ROOT/<name>/report.html. */
  async function publish(name: keyof typeof data, d: ReportData): Promise<void> {
    data[name] = d;
    mkdirSync(join(root, name), { recursive: true });
    writeFileSync(join(root, name, 'report.html'), await renderReport(d));
  }

  async function visit(name: keyof typeof data): Promise<OpenedPage> {
    return open(browser, `${server.url}/${name}/report.html`, server.url);
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'cubesim-report-page-'));
    const results = join(root, 'results');

    // A run with drops: the release before 12.4(15)XZ, where long calls end at 1768 s.
    const run = await runExperiment(loadExperiment('experiments/pre-xz.json', { calls: 300 }), {
      out: join(results, 'run'),
    });
    await publish('run', await collectReport(run.dir));

    // A small sweep with replications (confidence bands), in this thread.
    const sweep = await runSweep('experiments/quickstart.json', {
      params: [
        parseParam('endpoints.cucm.timer.sessionExpires=1800,3600'),
        parseParam('workload.arrivals.rate=0.2,0.5'),
      ],
      set: ['calls=120', 'replications=2'],
      workers: 1,
      out: join(results, 'sweep'),
    });
    await publish('sweep', await collectReport(sweep.dir!));

    // 12.4(20)T against a release before 12.4(15)XZ, the same calls.
    const sides = {
      a: { label: 'A', set: [], config: 'experiments/configs/passthru.ios' },
      b: { label: 'B', set: ['platform=isr-12.4-11T'], config: 'experiments/configs/pre-xz.ios' },
    };
    const common = { calls: 300 };
    const cmp = compare(
      loadSide('experiments/quickstart.json', sides.a, common),
      loadSide('experiments/quickstart.json', sides.b, common),
    );
    const cmpDir = writeComparison(cmp, sides, comparisonDir(cmp.a, join(results, 'compare'), false));
    await publish('compare', await collectReport(cmpDir));

    // The run again, with markup where names and descriptions go.
    const hostile = structuredClone(data.run!) as Extract<ReportData, { kind: 'run' }>;
    hostile.run.description = HOSTILE;
    hostile.run.platform.name = HOSTILE;
    for (const l of hostile.run.ladders) {
      l.call.callerProfile = HOSTILE;
      l.call.calleeProfile = HOSTILE;
    }
    await publish('xss', hostile);

    server = await serve(root);
    browser = await launch();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (root !== '') rmSync(root, { recursive: true, force: true });
  });

  function clean(o: OpenedPage): void {
    expect(o.errors).toEqual([]);
    expect(o.outside).toEqual([]);
  }

  const count = (page: Page, selector: string): Promise<number> => page.locator(selector).count();

  it('draws a run: headline, outcomes, time series, histograms and one ladder per sample call', async () => {
    const d = data.run;
    if (d?.kind !== 'run') throw new Error('no run report');
    const o = await visit('run');
    const { page } = o;
    clean(o);

    expect(await page.locator(`#${REPORT_DOM.headline}`).textContent()).toContain(d.run.experiment);
    expect(await page.locator(`#${REPORT_DOM.headline}`).textContent()).toContain(d.run.platform.name);
    expect(await count(page, `#${REPORT_DOM.outcomes} svg g.bar rect`)).toBeGreaterThanOrEqual(2); // completed and dropped

    // Five time-series charts, each with drawn lines.
    expect(await count(page, `#${REPORT_DOM.timeseries} svg.timeseries-chart`)).toBe(5);
    const seriesPaths = await page
      .locator(`#${REPORT_DOM.timeseries} svg.timeseries-chart path.series`)
      .evaluateAll((ps) => ps.map((p) => p.getAttribute('d') ?? ''));
    expect(seriesPaths.length).toBeGreaterThanOrEqual(5);
    for (const dAttr of seriesPaths) expect(dAttr.length).toBeGreaterThan(10);

    // Three histograms, with bars; the drops pile up in one bin (1768 s after answer).
    expect(await count(page, `#${REPORT_DOM.histograms} svg.histogram-chart`)).toBe(3);
    expect(await count(page, `#${REPORT_DOM.histograms} svg.histogram-chart rect.bin`)).toBeGreaterThan(10);
    expect(await page.locator(`#${REPORT_DOM.histograms} .peak-label`).last().textContent()).toMatch(
      /^1750–1800 s: \d+ \(\d+(\.\d+)? % of all\)$/,
    );

    // One ladder per sample; each with one arrow per message entry.
    expect(d.run.ladders.length).toBeGreaterThanOrEqual(2);
    const ladders = page.locator(`#${REPORT_DOM.ladders} svg.${REPORT_DOM.ladderClass}`);
    expect(await ladders.count()).toBe(d.run.ladders.length);
    for (let i = 0; i < d.run.ladders.length; i++) {
      const sample = d.run.ladders[i]!;
      const messages = sample.entries.filter((e) => e.kind === 'message').length;
      const timers = sample.entries.filter((e) => e.kind === 'timer').length;
      expect(await ladders.nth(i).locator(`g.${REPORT_DOM.messageClass}`).count()).toBe(messages);
      expect(await ladders.nth(i).locator(`g.${REPORT_DOM.timerClass}`).count()).toBe(timers);
      expect(await ladders.nth(i).locator(`g.${REPORT_DOM.messageClass} > title`).count()).toBe(messages);
    }
    const titles = await page.locator(`#${REPORT_DOM.ladders} h3`).allTextContents();
    expect(titles).toEqual(d.run.ladders.map((l) => l.title));
    const dropped = d.run.ladders.findIndex((l) => l.call.outcome === 'dropped');
    expect(dropped).toBeGreaterThanOrEqual(0);
    expect(await ladders.nth(dropped).textContent()).toContain('unless refreshed');

    // Hovering a message shows its details in the tooltip.
    await ladders.first().locator(`g.${REPORT_DOM.messageClass}`).first().hover();
    expect(await page.locator('.tooltip').textContent()).toContain('CSeq: 1 INVITE');

    // The shared time axis zooms, and the reset brings it back.
    const ticks = () =>
      page.locator('svg.timeseries-chart').last().locator('.axis').nth(1).locator('.tick text').allTextContents();
    const before = await ticks();
    await page.getByRole('button', { name: 'Zoom in' }).click();
    expect(await ticks()).not.toEqual(before);
    await page.getByRole('button', { name: 'Reset zoom' }).click();
    expect(await ticks()).toEqual(before);

    await screenshot(page, 'report-run');
    expect(o.errors).toEqual([]);
    await page.close();
  });

  it('draws a sweep: a chart per figure against the first parameter, and the table of points', async () => {
    const d = data.sweep;
    if (d?.kind !== 'sweep') throw new Error('no sweep report');
    const o = await visit('sweep');
    const { page } = o;
    clean(o);
    expect(await page.locator(`#${REPORT_DOM.sweep} h2`).first().textContent()).toContain(d.sweep.experiment);
    expect(await count(page, `#${REPORT_DOM.sweep} svg.sweep-chart`)).toBeGreaterThanOrEqual(5);
    // One line per arrival rate, each with its confidence band.
    const first = page.locator(`#${REPORT_DOM.sweep} svg.sweep-chart`).first();
    expect(await first.locator('path.series').count()).toBe(2);
    expect(await count(page, `#${REPORT_DOM.sweep} svg.sweep-chart path.band`)).toBeGreaterThan(0);
    expect(await count(page, `#${REPORT_DOM.sweep} table tbody tr`)).toBe(d.sweep.rows.length);
    await screenshot(page, 'report-sweep');
    await page.close();
  });

  it('draws a comparison: both sides, the transitions with their first difference, deltas and changed calls', async () => {
    const d = data.compare;
    if (d?.kind !== 'compare') throw new Error('no compare report');
    const o = await visit('compare');
    const { page } = o;
    clean(o);
    const text = (await page.locator(`#${REPORT_DOM.compare}`).textContent()) ?? '';
    expect(text).toContain(d.compare.a.platform);
    expect(text).toContain(d.compare.b.platform);
    expect(text).toContain(`${d.compare.changedCalls[0]} of ${d.compare.calls[0]} calls changed fate`);
    expect(d.compare.transitions.length).toBeGreaterThan(0);
    expect(await count(page, `#${REPORT_DOM.compare} ol.transitions > li`)).toBe(d.compare.transitions.length);
    const example = d.compare.transitions[0]!.firstDifference;
    if (example !== null) expect(text).toContain(`A: ${example.a}`);
    expect(await count(page, `#${REPORT_DOM.compare} table.changed tbody tr`)).toBe(d.compare.changed.length);
    expect(await count(page, `#${REPORT_DOM.compare} table.deltas tbody tr`)).toBeGreaterThan(0);
    await screenshot(page, 'report-compare');
    await page.close();
  });

  it('shows markup in names and descriptions as text, and runs none of it', async () => {
    const d = data.xss;
    if (d?.kind !== 'run') throw new Error('no hostile report');
    const o = await visit('xss');
    const { page } = o;
    // A dialog during the first load would have been dismissed unseen: listen, then load again.
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.reload({ waitUntil: 'load' });
    clean(o);
    expect(dialogs).toEqual([]);

    const headline = (await page.locator(`#${REPORT_DOM.headline}`).textContent()) ?? '';
    expect(headline.split(HOSTILE).length - 1).toBeGreaterThanOrEqual(2); // description and platform name
    const ladder = (await page.locator(`svg.${REPORT_DOM.ladderClass}`).first().textContent()) ?? '';
    expect(ladder).toContain(HOSTILE); // the profile names
    // Only the page's own two scripts exist: the data block and the bundled script.
    expect(await page.evaluate(() => document.querySelectorAll('script').length)).toBe(2);
    expect(await page.evaluate(() => document.body.innerText)).toContain(HOSTILE);
    await screenshot(page, 'report-xss');
    await page.close();
  });
});
