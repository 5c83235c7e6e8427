/// <reference lib="dom" />
// Charts of a run's time series that share one time axis: drag to pan, Ctrl or Shift + mouse wheel
// (or double-click, or the buttons above them) to zoom, all charts together; the pointer shows the
// values of the interval under it.

import {
  axisBottom,
  bisector,
  curveMonotoneX,
  curveStepAfter,
  line,
  max,
  min,
  scaleLinear,
  zoom,
  zoomIdentity,
  type ZoomBehavior,
  type ZoomTransform,
} from 'd3';
import type { TimeseriesPoint } from '../results/series.ts';
import { axisTitle, chartSvg, chartWidth, valueAxis, type Svg } from './chart-frame.ts';
import { legend, type LegendItem } from './legend.ts';
import { num } from './number-format.ts';
import { el, type Html } from './page-elements.ts';
import { COLOURS, DASHES } from './palette.ts';
import { showTip } from './tooltip.ts';

export interface Series {
  label: string;
  colour: string;
  value: (p: TimeseriesPoint) => number;
}

export interface SeriesChart {
  title: string;
  yLabel: string;
  series: Series[];
  /** A dashed horizontal line: a configured limit. */
  limit?: { value: number; label: string };
  /** Values hold over each interval (rates, counts) rather than at its end. */
  step: boolean;
  format: (v: number) => string;
}

/** One chart per entry of `charts`, of the points `ts` (at least one), below the zoom buttons, in `s`. */
export function drawSeriesCharts(s: Html, ts: TimeseriesPoint[], charts: SeriesChart[]): void {
  const controls = el(s, 'div', undefined, 'controls');
  const reset = el(controls, 'button', 'Reset zoom');
  reset.attr('type', 'button');
  const zoomIn = el(controls, 'button', 'Zoom in');
  zoomIn.attr('type', 'button');
  const zoomOut = el(controls, 'button', 'Zoom out');
  zoomOut.attr('type', 'button');

  const width = chartWidth(s);
  const height = 190;
  const m = { l: 68, r: 20, t: 14, b: 36 };
  const t0 = min(ts, (p) => p.tStart) ?? 0,
    t1 = max(ts, (p) => p.tEnd) ?? 1;
  const x0 = scaleLinear()
    .domain([t0, t1 > t0 ? t1 : t0 + 1])
    .range([m.l, width - m.r]);
  let x = x0;
  const endBisector = bisector((p: TimeseriesPoint) => p.tEnd);
  const updaters: Array<() => void> = [];
  const svgs: Svg[] = [];

  const zoomer: ZoomBehavior<SVGSVGElement, unknown> = zoom<SVGSVGElement, unknown>()
    .scaleExtent([1, 500])
    .extent([
      [m.l, 0],
      [width - m.r, height],
    ])
    .translateExtent([
      [m.l, 0],
      [width - m.r, height],
    ])
    .filter((ev: Event) =>
      ev.type === 'wheel' ? (ev as WheelEvent).ctrlKey || (ev as WheelEvent).shiftKey : !(ev as MouseEvent).button,
    )
    .on('zoom', (ev: { transform: ZoomTransform; sourceEvent: Event | null }) => {
      x = ev.transform.rescaleX(x0);
      // Keep every chart's zoom state the same, so the next gesture starts from here on any of them.
      // d3-zoom keeps it in each element's __zoom property; setting that emits no zoom event.
      for (const o of svgs) o.property('__zoom', ev.transform);
      for (const u of updaters) u();
    });

  charts.forEach((c, ci) => {
    const box = el(s, 'div', undefined, 'chart-box');
    el(box, 'h3', c.title);
    // Later series dashed: equal values on both legs stay visible as two lines.
    const items: LegendItem[] = c.series.map((se, k) => ({
      label: se.label,
      colour: se.colour,
      dash: DASHES[k % DASHES.length]!,
    }));
    const dataMax = max(ts, (p) => max(c.series, (se) => se.value(p)) ?? 0) ?? 0;
    // A limit far above the data would flatten it: then it is named instead of drawn.
    const showLimit = c.limit !== undefined && c.limit.value > 0 && c.limit.value <= Math.max(dataMax, 1e-9) * 3;
    if (c.limit !== undefined)
      items.push({
        label: showLimit ? c.limit.label : `${c.limit.label} (off the scale)`,
        colour: COLOURS.limit,
        kind: 'dashed',
      });
    legend(box, items);
    const svg = chartSvg(box, 'chart timeseries-chart', width, height);
    svgs.push(svg);
    const g = svg.append('g');
    const top = Math.max(dataMax, showLimit ? c.limit!.value : 0);
    const y = scaleLinear()
      .domain([0, top > 0 ? top * 1.08 : 1])
      .nice()
      .range([height - m.b, m.t]);
    valueAxis(g, y, { width, height, m }, 4, c.yLabel);
    const xAxis = g
      .append('g')
      .attr('class', 'axis')
      .attr('transform', `translate(0,${height - m.b})`);
    axisTitle(g, 'simulated time (s)', (m.l + width - m.r) / 2, height - 4);
    const clipId = `ts-clip-${ci}`;
    svg
      .append('defs')
      .append('clipPath')
      .attr('id', clipId)
      .append('rect')
      .attr('x', m.l)
      .attr('y', 0)
      .attr('width', width - m.l - m.r)
      .attr('height', height);
    const plot = g.append('g').attr('clip-path', `url(#${clipId})`);
    const paths = c.series.map((se) =>
      plot
        .append('path')
        .attr('class', 'series')
        .attr('fill', 'none')
        .attr('stroke', se.colour)
        .attr('stroke-width', 1.8)
        .attr('stroke-dasharray', DASHES[c.series.indexOf(se) % DASHES.length]!),
    );
    const limitLine = showLimit
      ? plot
          .append('line')
          .attr('class', 'limit')
          .attr('stroke', COLOURS.limit)
          .attr('stroke-dasharray', '6,4')
          .attr('stroke-width', 1.5)
      : null;
    const rule = plot
      .append('line')
      .attr('class', 'rule')
      .attr('y1', m.t)
      .attr('y2', height - m.b)
      .attr('stroke', '#1d2330')
      .attr('stroke-opacity', 0.35)
      .style('display', 'none');

    const update = (): void => {
      xAxis.call(
        axisBottom(x)
          .ticks(Math.max(4, Math.floor(width / 110)))
          .tickFormat((d) => num(Number(d))),
      );
      c.series.forEach((se, k) => {
        const pts: Array<[number, number]> = c.step
          ? [
              ...ts.map((p): [number, number] => [p.tStart, se.value(p)]),
              [ts[ts.length - 1]!.tEnd, se.value(ts[ts.length - 1]!)],
            ]
          : [[ts[0]!.tStart, 0], ...ts.map((p): [number, number] => [p.tEnd, se.value(p)])];
        paths[k]!.attr(
          'd',
          line<[number, number]>()
            .x((d) => x(d[0]))
            .y((d) => y(d[1]))
            .curve(c.step ? curveStepAfter : curveMonotoneX)(pts) ?? '',
        );
      });
      if (limitLine !== null)
        limitLine
          .attr('x1', m.l)
          .attr('x2', width - m.r)
          .attr('y1', y(c.limit!.value))
          .attr('y2', y(c.limit!.value));
    };
    updaters.push(update);
    update();

    svg.call(zoomer).on('dblclick.zoom', null);
    svg.on('dblclick', (ev: MouseEvent) => {
      const [px] = [ev.offsetX];
      zoomer.scaleBy(svg, 2, [px, height / 2]);
    });
    svg
      .on('pointermove', (ev: PointerEvent) => {
        const rect = svg.node()!.getBoundingClientRect();
        const px = ((ev.clientX - rect.left) * width) / rect.width;
        if (px < m.l || px > width - m.r) {
          rule.style('display', 'none');
          showTip(null);
          return;
        }
        const t = x.invert(px);
        const i = Math.min(ts.length - 1, endBisector.left(ts, t));
        const p = ts[i]!;
        rule.style('display', null).attr('x1', px).attr('x2', px);
        showTip(
          `${num(p.tStart)}–${num(p.tEnd)} s\n${c.series.map((se) => `${se.label}: ${c.format(se.value(p))}`).join('\n')}`,
        );
      })
      .on('pointerleave', () => {
        rule.style('display', 'none');
        showTip(null);
      });
  });

  reset.on('click', () => zoomer.transform(svgs[0]!, zoomIdentity));
  zoomIn.on('click', () => zoomer.scaleBy(svgs[0]!, 2));
  zoomOut.on('click', () => zoomer.scaleBy(svgs[0]!, 0.5));
}
