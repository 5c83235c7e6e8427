// The notebooks (notebooks/*.ts, built by scripts/build-notebooks.ts) in headless Chromium: each
// page runs the model in the browser, draws with d3, makes no request beyond the local server and
// logs no error; changing an input runs the model again and changes the drawing. Screenshots go
// to test-artifacts/. Skipped where Debian's chromium is not installed.

import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { buildNotebooks, DIST_DIR, NOTEBOOKS } from '../scripts/build-notebooks.ts';
import { buildExperiment } from '../src/browser/experiment.ts';
import { simulate } from '../src/browser/run.ts';
import { loadExperiment } from '../src/experiment/load.ts';
import { runReplicationSync } from '../src/experiment/run.ts';
import { toolPresent } from './helpers.ts';
import { hasChromium, launch, open, screenshot, serve, type OpenedPage } from './browser/chromium.ts';

describe('browser model assembly (src/browser/experiment.ts)', () => {
  // An experiment file's fields, with the configuration given as text instead of a path.
  function asPageWould(file: string, set: string[] = []) {
    const loaded = loadExperiment(file, { set });
    const {
      name: _name,
      config: _config,
      $schema: _schema,
      description: _d,
      lookAt: _l,
      promises: _p,
      ...fields
    } = loaded.experiment;
    // Named as the CLI names the file in errors, so that the two specs compare equal.
    const configName = relative(process.cwd(), loaded.configPath);
    return {
      loaded,
      page: buildExperiment({
        ...fields,
        configText: readFileSync(loaded.configPath, 'utf8'),
        configName,
        settingsName: file,
      }),
    };
  }

  it('builds the same spec as the CLI: same calls, same messages, same fingerprint', () => {
    for (const file of [
      'experiments/teach-f1-refresh-consumed.json',
      'experiments/teach-f7-update-unanswered.json',
      'experiments/teach-f1-cube-ignores-refresh.json',
    ]) {
      const { loaded, page } = asPageWould(file);
      expect(page.spec).toEqual(loaded.spec);
      const cli = runReplicationSync(loaded, 0);
      const browser = simulate(page);
      expect(browser.fingerprint).toBe(cli.fingerprint);
      expect({ ...browser.summary, experiment: '', config: '' }).toEqual({
        ...cli.summary,
        experiment: '',
        config: '',
      });
    }
  });

  it('refuses what the CLI refuses, with the same message', () => {
    const file = 'experiments/teach-f1-refresh-consumed.json';
    const set = 'endpoints={"cucm":{"timer":{"sessionExpires":60}}}';
    let cli = '';
    try {
      loadExperiment(file, { set: [set] });
    } catch (e) {
      cli = (e as Error).message;
    }
    expect(cli).toContain('90-86400');
    const loaded = loadExperiment(file);
    const { name: _n, config: _c, $schema: _s, ...fields } = loaded.experiment;
    expect(() =>
      buildExperiment({
        ...fields,
        endpoints: { cucm: { timer: { sessionExpires: 60 } } },
        configText: loaded.configText,
      }),
    ).toThrow(cli.replace(/^[^:]+: /, 'settings: '));
    expect(() =>
      buildExperiment({
        ...fields,
        platform: 'isr-12.4-11T',
        configText: readFileSync('experiments/configs/passthru.ios', 'utf8'),
      }),
    ).toThrow(/^configuration: line \d+: "midcall-signaling passthru" is not available in .*12\.4\(11\)T/);
  });

  it('names a misspelt field and a wrong value as cubesim run does', () => {
    const file = 'experiments/teach-f1-refresh-consumed.json';
    const loaded = loadExperiment(file);
    const { name: _n, config: _c, $schema: _s, ...fields } = loaded.experiment;
    const cliMessage = (set: string) => {
      try {
        loadExperiment(file, { set: [set] });
      } catch (e) {
        return (e as Error).message.replace(/^[^:]+: /, 'settings: ');
      }
      throw new Error(`the CLI accepted ${set}`);
    };
    const { workload, ...rest } = fields;
    const { holding, ...workloadRest } = workload;
    const misspelt = {
      ...rest,
      workload: { ...workloadRest, holdng: holding },
      configText: loaded.configText,
    } as unknown as Parameters<typeof buildExperiment>[0];
    const cliMisspelt = cliMessage(
      `workload={"arrivals":${JSON.stringify(workload.arrivals)},"holdng":${JSON.stringify(holding)},"callers":${JSON.stringify(workload.callers)},"callees":${JSON.stringify(workload.callees)}}`,
    );
    expect(cliMisspelt).toContain('did you mean');
    expect(() => buildExperiment(misspelt)).toThrow(cliMisspelt);
    // A hand-written "allowed" text (the experiment's own, not the schema's).
    const cliHolding = cliMessage('workload.holding="long"');
    expect(cliHolding).toContain('{"distribution": "lognormal", "mean": S, "sd": S}');
    const long = {
      ...fields,
      workload: { ...workload, holding: 'long' },
      configText: loaded.configText,
    } as unknown as Parameters<typeof buildExperiment>[0];
    expect(() => buildExperiment(long)).toThrow(cliHolding);
  });
});

const title = hasChromium
  ? 'notebooks in Chromium'
  : 'notebooks in Chromium (skipped: /usr/bin/chromium is not installed; apt-get install chromium to run these)';

/** Waits until the page has finished at least `after + 1` runs of its model. */
async function settled(page: Page, after: number): Promise<void> {
  await page.waitForFunction(
    (n) => Number(document.body.dataset['runs'] ?? '0') > n && document.body.dataset['state'] !== 'running',
    after,
    { timeout: 30_000 },
  );
}

async function runs(page: Page): Promise<number> {
  return page.evaluate(() => Number(document.body.dataset['runs'] ?? '0'));
}

/** Changes a form control as a user would and waits for the re-run it causes. */
async function change(page: Page, id: string, value: string): Promise<void> {
  const before = await runs(page);
  const tag = await page.evaluate((i) => document.getElementById(i)?.tagName ?? '', id);
  if (tag === 'SELECT') await page.selectOption(`#${id}`, value);
  else await page.fill(`#${id}`, value);
  await settled(page, before);
}

const text = (page: Page, selector: string): Promise<string> => page.locator(selector).first().innerText();

describe.skipIf(!toolPresent('chromium', hasChromium))(title, () => {
  let browser: Browser;
  let server: { url: string; close: () => Promise<void> };
  const opened: OpenedPage[] = [];

  beforeAll(async () => {
    const built = await buildNotebooks();
    expect(built.files).toHaveLength(NOTEBOOKS.length + 1);
    server = await serve(DIST_DIR);
    browser = await launch();
  }, 120_000);

  afterEach(() => {
    // Every page opened by the test: no console error, no request beyond the local server.
    for (const o of opened.splice(0)) {
      expect(o.errors, `console errors on ${o.page.url()}`).toEqual([]);
      expect(o.outside, `requests beyond the local server from ${o.page.url()}`).toEqual([]);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function openNotebook(name: string): Promise<Page> {
    const o = await open(browser, `${server.url}/${name}.html`, server.url);
    opened.push(o);
    await settled(o.page, 0);
    return o.page;
  }

  it('index links every notebook', async () => {
    const o = await open(browser, `${server.url}/index.html`, server.url);
    opened.push(o);
    const links = await o.page.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual(NOTEBOOKS.map((nb) => `${nb.name}.html`));
    await screenshot(o.page, 'notebook-index');
  });

  it('session-timers-one-call: draws the ladder and redraws it on every change', async () => {
    const page = await openNotebook('session-timers-one-call');
    const messages = page.locator('#ladder-svg g.message');
    const before = await messages.count();
    expect(before).toBeGreaterThan(10);
    const beforeTexts = await messages.allTextContents();
    expect(await text(page, '#story')).toMatch(/^Completed normally/);
    expect(await text(page, '#config')).toContain('midcall-signaling passthru');
    expect(await text(page, '#config')).toContain('min-se 1800');
    await screenshot(page, 'notebook-session-timers-one-call');

    // Before 12.4(15)XZ: passthru cannot be chosen, the refresh is answered by CUBE, the call drops.
    await change(page, 'release', 'isr-12.4-11T');
    expect(await page.locator('#policy option[value="passthru"]').isDisabled()).toBe(true);
    expect(await page.locator('#policy').inputValue()).toBe('none');
    expect(await text(page, '#policy-note')).toContain('12.4(15)XZ');
    expect(await text(page, '#config')).not.toMatch(/^\s*midcall-signaling/m);
    expect(await text(page, '#story')).toMatch(/^Dropped 1768 s/);
    const afterTexts = await messages.allTextContents();
    expect(afterTexts).not.toEqual(beforeTexts);
    expect(afterTexts.length).toBeLessThan(before);
    await screenshot(page, 'notebook-session-timers-one-call-pre-xz');

    // The CUBE's min-se is written into the configuration shown and simulated.
    await change(page, 'release', 'isr-12.4-20T');
    await change(page, 'min-se', '90');
    expect(await text(page, '#config')).toContain('min-se 90');

    // What the CLI refuses, the page refuses, with the same message, as text.
    await change(page, 'session-expires', '60');
    expect(await page.evaluate(() => document.body.dataset['state'])).toBe('error');
    expect(await text(page, '#error')).toContain('endpoints.cucm.timer.sessionExpires');
    expect(await text(page, '#error')).toContain('90-86400');
    expect(await messages.count()).toBe(0);
    await screenshot(page, 'notebook-session-timers-one-call-error');

    // A shorter interval: more refreshes in the same call, and the error is gone.
    await change(page, 'endpoint-min-se', '300');
    await change(page, 'session-expires', '300');
    expect(await text(page, '#error')).toBe('');
    const short = await messages.allTextContents();
    expect(short.filter((t) => t.includes('INVITE (refresh)')).length).toBeGreaterThan(
      beforeTexts.filter((t) => t.includes('INVITE (refresh)')).length,
    );

    // Loss on the callee side shows as lost messages and retransmissions.
    await change(page, 'loss-out', '30');
    expect(await text(page, '#story')).toMatch(/The network lost \d+ message/);
    await screenshot(page, 'notebook-session-timers-one-call-loss');
  });

  it('why-15-and-30-minutes: the histogram of drop moments follows the situation', async () => {
    const page = await openNotebook('why-15-and-30-minutes');
    const dropped = page.locator('#drop-histogram rect.bar.dropped');
    expect(await dropped.count()).toBeGreaterThan(0);
    expect(await page.locator('#drop-histogram rect.bar.completed').count()).toBeGreaterThan(5);
    const positions = async (): Promise<string[]> =>
      dropped.evaluateAll((rs) => rs.map((r) => `${r.getAttribute('x')}:${r.getAttribute('height')}`));
    const preXz = await positions();
    expect(await text(page, '#story')).toContain('1768 s after answer');
    expect(await page.locator('#ladder-svg g.message').count()).toBeGreaterThan(5);
    expect(await text(page, '#ladder-story')).toMatch(/^Dropped 1768 s/);
    await screenshot(page, 'notebook-why-15-and-30-minutes');

    await change(page, 'situation', 'update-unanswered');
    const update = await positions();
    expect(update.length).toBeGreaterThan(0);
    expect(update).not.toEqual(preXz);
    expect(await text(page, '#story')).toContain('932 s after answer');
    await screenshot(page, 'notebook-why-15-and-30-minutes-update');

    await change(page, 'session-expires', '3600');
    expect(await text(page, '#story')).toContain('1832 s after answer');

    await change(page, 'situation', 'healthy');
    expect(await dropped.count()).toBe(0);
    expect(await page.locator('#drop-histogram').getAttribute('data-dropped')).toBe('0');
    expect(await text(page, '#story')).toMatch(/^None of the 300 calls was dropped/);
    await screenshot(page, 'notebook-why-15-and-30-minutes-healthy');
  });

  it('refresh-load: plots refreshes per second against the formula, and follows Session-Expires', async () => {
    const page = await openNotebook('refresh-load');
    const chart = page.locator('#load-chart');
    const figures = async () => ({
      formula: Number(await chart.getAttribute('data-formula-per-leg')),
      inbound: Number(await chart.getAttribute('data-measured-inbound')),
      outbound: Number(await chart.getAttribute('data-measured-outbound')),
      path: (await page.locator('#load-chart path.series.inbound').getAttribute('d')) ?? '',
    });
    const at1800 = await figures();
    expect(at1800.path.length).toBeGreaterThan(20);
    expect(await page.locator('#load-chart line.formula').count()).toBe(1);
    expect(await page.locator('#load-chart path.series.cpu').count()).toBe(1);
    expect(at1800.formula).toBeCloseTo(300 / 900, 6);
    expect(at1800.inbound).toBeGreaterThan(0);
    expect(at1800.inbound).toBeLessThan(at1800.formula);
    await screenshot(page, 'notebook-refresh-load');

    await change(page, 'session-expires', '300');
    const at300 = await figures();
    expect(at300.formula).toBeCloseTo(300 / 150, 6);
    expect(at300.path).not.toEqual(at1800.path);
    expect(at300.inbound).toBeGreaterThan(3 * at1800.inbound);
    await screenshot(page, 'notebook-refresh-load-se300');

    // Before 12.4(15)XZ the refresh stops at the border element: nothing on the outbound leg.
    await change(page, 'platform', 'isr-12.4-11T');
    expect(await page.locator('#policy').inputValue()).toBe('none');
    const preXz = await figures();
    expect(preXz.outbound).toBe(0);
    expect(preXz.inbound).toBeGreaterThan(0);
  });

  it('every notebook also works opened from disk (file://), with its script inline', async () => {
    for (const nb of NOTEBOOKS) {
      const o = await open(browser, `file://${DIST_DIR}/${nb.name}.html`, 'file://');
      opened.push(o);
      await settled(o.page, 0);
      expect(await o.page.evaluate(() => document.body.dataset['state'])).toBe('ready');
      await o.page.close();
    }
  });
});
