// Notebook "Session timers in one call": one call through the border element, re-run on every
// change of the form, drawn as a ladder (src/report/ladder-svg.ts) with a few sentences on what
// happened. Runs the model in the page.

import { select } from 'd3';
import { byId, rerunOnChange } from './common.ts';
import { platforms } from '../src/browser/bundled-models.ts';
import { describeCall } from '../src/browser/call-account.ts';
import { buildExperiment } from '../src/browser/experiment.ts';
import { iosConfigText } from '../src/browser/ios-text.ts';
import { simulate } from '../src/browser/run.ts';
import { drawLadder } from '../src/report/ladder-svg.ts';

const form = byId<HTMLFormElement>('inputs');
const release = byId<HTMLSelectElement>('release');
const policy = byId<HTMLSelectElement>('policy');
const minSe = byId<HTMLInputElement>('min-se');
const sessionExpires = byId<HTMLInputElement>('session-expires');
const endpointMinSe = byId<HTMLInputElement>('endpoint-min-se');
const refresher = byId<HTMLSelectElement>('refresher');
const holding = byId<HTMLInputElement>('holding');
const lossIn = byId<HTMLInputElement>('loss-in');
const lossOut = byId<HTMLInputElement>('loss-out');
const seed = byId<HTMLInputElement>('seed');
const ladderSvg = document.querySelector<SVGSVGElement>('svg#ladder-svg')!;

/** A number input as typed: NaN when empty or not a number (the checks then say what is allowed). */
const num = (el: HTMLInputElement): number => (el.value.trim() === '' ? Number.NaN : Number(el.value));

/** Before 12.4(15)XZ there is no midcall-signaling at all: the choice is disabled, with the reason. */
function syncPolicy(): boolean {
  const preXz = platforms[release.value]?.release.midcallBehaviour === 'pre-xz';
  const passthru = policy.querySelector<HTMLOptionElement>('option[value="passthru"]')!;
  passthru.disabled = preXz;
  if (preXz && policy.value === 'passthru') policy.value = 'none';
  byId('policy-note').textContent = preXz
    ? 'midcall-signaling passthru is not available on 12.4(11)T: it came with 12.4(15)XZ and 12.4(20)T. This release answers a mid-call re-INVITE itself, on the leg it arrived on.'
    : '';
  return preXz;
}

function run(): void {
  const preXz = syncPolicy();
  const mode = policy.value === 'passthru' ? 'passthru' : 'none';
  const configText = iosConfigText({
    midcallSignaling: mode,
    minSe: minSe.value,
    comment: preXz
      ? ['before 12.4(15)XZ: no midcall-signaling yet']
      : mode === 'passthru'
        ? ['Session Refresh with Reinvites:', 'mid-call requests relayed end to end']
        : ['midcall-signaling not configured:', 'the default mid-call mode'],
  });
  byId('config').textContent = configText;
  const errorBox = byId('error');
  errorBox.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');

  const choice = refresher.value;
  const timer: Record<string, unknown> = {
    sessionExpires: num(sessionExpires),
    minSe: num(endpointMinSe),
    requestRefresher: choice === 'ask-uac' ? 'uac' : choice === 'ask-uas' ? 'uas' : 'none',
    preferredRefresher: choice === 'open-uas' ? 'uas' : 'uac',
  };
  let result;
  try {
    const loaded = buildExperiment({
      platform: release.value,
      configText,
      calls: 1,
      seed: seed.value.trim() === '' ? 1 : num(seed),
      workload: {
        arrivals: { rate: 1 },
        holding: { distribution: 'fixed', value: num(holding) },
        callers: [{ profile: 'cucm' }],
        callees: [{ profile: 'cucm' }],
        hangup: 'either',
        ringSeconds: 3,
      },
      network: {
        inbound: { latency: 0.02, jitter: 0, loss: num(lossIn) / 100 },
        outbound: { latency: 0.02, jitter: 0, loss: num(lossOut) / 100 },
      },
      endpoints: { cucm: { timer } },
    });
    result = simulate(loaded, { traced: [0], stopAfterCall: 0 });
  } catch (e) {
    showError(e);
    clear();
    return;
  }
  const sample = result.ladders.get(0);
  if (sample === undefined) {
    errorBox.textContent = 'the call was not traced';
    clear();
    return;
  }
  const account = describeCall(sample);
  const story = select('#story');
  story.selectAll('*').remove();
  story.append('p').append('b').text(account.headline);
  for (const d of account.details) story.append('p').text(d);

  const hover = byId('hover');
  hover.textContent = '';
  const width = Math.max(640, byId('ladder').clientWidth - 4);
  const arrows = drawLadder(select(ladderSvg), sample, {
    width,
    rowHeight: 28,
    onHover: (text) => (hover.textContent = text ?? ''),
  });
  byId('timing').textContent =
    `${arrows} messages drawn; simulated ${Math.round(result.summary.simulatedSeconds)} s (${result.summary.events} events) in ${result.elapsedMs} ms.`;
}

/** Which input an error is about, from the field or file it names. */
const INPUT_OF: Array<[RegExp, HTMLElement]> = [
  [/^settings: field endpoints\.cucm\.timer\.sessionExpires\b/, sessionExpires],
  [/^settings: field endpoints\.cucm\.timer\.minSe\b/, endpointMinSe],
  [/^settings: field workload\.holding\b/, holding],
  [/^settings: field network\.inbound\b/, lossIn],
  [/^settings: field network\.outbound\b/, lossOut],
  [/^settings: field seed\b/, seed],
  [/^configuration: .*min-se/, minSe],
];

/** The error as the CLI would print it, after the name of the input it is about; that input is marked. */
function showError(e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  const input = INPUT_OF.find(([re]) => re.test(message))?.[1];
  const label = input?.closest('label')?.firstChild?.textContent?.trim();
  input?.setAttribute('aria-invalid', 'true');
  byId('error').textContent = label !== undefined ? `Check "${label}":\n${message}` : message;
}

function clear(): void {
  select('#story').selectAll('*').remove();
  select(ladderSvg).selectAll('*').remove();
  select(ladderSvg).attr('height', 0);
  byId('timing').textContent = '';
}

rerunOnChange(form, run);
