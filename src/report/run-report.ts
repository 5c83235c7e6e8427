// The report of one run: its headline, how its calls ended, its time series, its distributions,
// and the SIP ladders of a sample call of each outcome.

import { chartWidth } from './chart-frame.ts';
import { REPORT_DOM, type RunReport } from './data.ts';
import { drawHistogram } from './histogram-chart.ts';
import { drawLadder } from './ladder-svg.ts';
import { el, section } from './page-elements.ts';
import { COLOURS } from './palette.ts';
import { drawHeadline } from './run-headline.ts';
import { drawOutcomes } from './run-outcomes.ts';
import { drawTimeseries } from './run-timeseries.ts';
import { showTip } from './tooltip.ts';

export function drawRun(r: RunReport, version: string): void {
  drawHeadline(r, version);
  drawOutcomes(r);
  drawTimeseries(r);
  drawHistograms(r);
  drawLadders(r);
}

function drawHistograms(r: RunReport): void {
  const s = section(
    REPORT_DOM.histograms,
    'Distributions',
    `First replication${r.replications > 1 ? ` of ${r.replications}` : ''}. A tall narrow peak means many calls met the same timer: look at its position.`,
  );
  drawHistogram(
    s,
    r.histograms.callLength,
    'Call length, from answer to end',
    COLOURS.bar,
    'no call was answered and ended',
    'calls',
  );
  drawHistogram(
    s,
    r.histograms.refreshLatency,
    'Time from a refresh falling due to its 2xx',
    COLOURS.inbound,
    'no refresh was answered',
    'refreshes',
  );
  drawHistogram(
    s,
    r.histograms.dropMoments,
    'When dropped calls ended, measured from answer',
    COLOURS.dropped,
    'no call was dropped',
    'dropped calls',
  );
}

function drawLadders(r: RunReport): void {
  const s = section(
    REPORT_DOM.ladders,
    'Sample calls',
    'The first call of each outcome, replayed with its full SIP ladder: caller, the two sides of CUBE, callee; time runs down. Orange lines run from the moment a session timer starts to when its refresh is due (◆) or when that side gives up without one (▬). Hover a message or a timer for its details.',
  );
  if (r.ladders.length === 0) {
    el(s, 'p', 'No sample calls in these results.', 'note');
    return;
  }
  const width = chartWidth(s) - 16;
  for (const sample of r.ladders) {
    el(s, 'h3', sample.title);
    const wrap = el(s, 'div', undefined, 'ladder-wrap');
    const svg = wrap.append('svg').attr('class', REPORT_DOM.ladderClass);
    drawLadder(svg, sample, { width, onHover: showTip });
  }
}
