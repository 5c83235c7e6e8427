// A run's time series: active calls, refresh requests per second on each leg, mid-call requests
// at CUBE, its CPU, and calls dropped and rejected, per interval of simulated time.

import { REPORT_DOM, type RunReport } from './data.ts';
import { num } from './number-format.ts';
import { el, section } from './page-elements.ts';
import { COLOURS } from './palette.ts';
import { drawSeriesCharts, type SeriesChart } from './timeseries-chart.ts';

export function drawTimeseries(r: RunReport): void {
  const s = section(
    REPORT_DOM.timeseries,
    'Over simulated time',
    `Per interval of ${r.timeseries.length > 0 ? num(r.timeseries[0]!.tEnd - r.timeseries[0]!.tStart) : '60'} simulated seconds${r.replications > 1 ? ', first replication' : ''}. The charts share their time axis: drag to pan, Ctrl or Shift + mouse wheel (or double-click) to zoom.`,
  );
  const ts = r.timeseries;
  if (ts.length === 0) {
    el(s, 'p', 'No time series in these results.', 'note');
    return;
  }

  const charts: SeriesChart[] = [
    {
      title: 'Active calls',
      yLabel: 'calls',
      step: false,
      format: num,
      series: [{ label: 'active calls (at the end of each interval)', colour: '#1d2330', value: (p) => p.activeCalls }],
      limit: { value: r.platform.maxSessions, label: `platform limit ${num(r.platform.maxSessions)} sessions` },
    },
    {
      title: 'Session refresh requests per second',
      yLabel: 'requests/s',
      step: true,
      format: num,
      series: [
        { label: 'inbound leg (caller ↔ CUBE)', colour: COLOURS.inbound, value: (p) => p.refreshTpsInbound },
        { label: 'outbound leg (CUBE ↔ callee)', colour: COLOURS.outbound, value: (p) => p.refreshTpsOutbound },
      ],
    },
    {
      title: 'Mid-call re-INVITEs and UPDATEs at CUBE, per interval',
      yLabel: 'requests',
      step: true,
      format: num,
      series: [
        { label: 'relayed to the other leg', colour: COLOURS.relayed, value: (p) => p.reinvitesRelayed },
        {
          label: 'answered locally by CUBE (never reach the far end)',
          colour: COLOURS.local,
          value: (p) => p.reinvitesAnsweredLocally,
        },
      ],
    },
    {
      title: 'CUBE CPU utilisation',
      yLabel: '%',
      step: true,
      format: (v) => `${num(v)} %`,
      series: [{ label: 'CPU busy', colour: COLOURS.cpu, value: (p) => p.cpuUtilisation * 100 }],
      limit: {
        value: r.platform.cpuAdmissionPercent,
        label: `CPU admission control at ${num(r.platform.cpuAdmissionPercent)} %`,
      },
    },
    {
      title: 'Calls dropped and rejected, per interval',
      yLabel: 'calls',
      step: true,
      format: num,
      series: [
        { label: 'dropped', colour: COLOURS.dropped, value: (p) => p.drops },
        { label: 'rejected', colour: COLOURS.rejected, value: (p) => p.rejects },
      ],
    },
  ];

  drawSeriesCharts(s, ts, charts);
}
