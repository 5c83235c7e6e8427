// Where everything of a ladder goes, computed once before anything is drawn: its rows (every
// message and timer moment, and the timer moments a lane reaches without a row of its own), their
// slots and y positions, the lanes' x positions and the heights of the parts around them.
//
// Rows are spaced by event order, not by time, so a 900 s wait costs one break marker instead of
// a screenful.

import { scaleLinear, type ScaleLinear } from 'd3';
import type { MessageEntry, OutcomeEntry, TimerEntry, TracedCall } from '../results/ladder.ts';

/** A row of the trace: a message or a timer moment (the outcome goes in a banner below). */
export type Row = MessageEntry | TimerEntry;

/** Consecutive rows further apart than this (s) get a break marker. */
const BREAK_SECONDS = 10;

/** Where a timer arming points: its refresh moment or its deadline, and what became of it. */
export interface Target {
  /** Index in `rows` of the arming. */
  arm: number;
  party: string;
  t: number;
  kind: 'refresh' | 'expiry';
  /** Reached within the ladder; replaced first by a new arming or switch-off; or after the end. */
  state: 'reached' | 'replaced' | 'after';
  /** The row that replaced it, or the party's own row for that moment (refresh due, expired); -1 if none. */
  row: number;
}

/** A slot taken by a long wait, and how long the wait is (s). */
export interface Break {
  slot: number;
  gap: number;
}

export interface LadderLayout {
  width: number;
  height: number;
  rowHeight: number;
  /** The messages and timer moments, in trace order: `Target.arm`, `Target.row` and `rowY` index them. */
  rows: Row[];
  outcomes: OutcomeEntry[];
  targets: Target[];
  /** Every drawn row's slot and time, top to bottom. */
  ticks: Array<{ slot: number; t: number }>;
  breaks: Break[];
  /** Slot to y. */
  y: ScaleLinear<number, number>;
  /** The y of each of `rows`. */
  rowY: number[];
  /** The y of the row each reached target without a row of its own is given. */
  targetY: Map<Target, number>;
  /** The right edge of the time axis. */
  axisX: number;
  /** The x of each lane: caller, CUBE in, CUBE out, callee. */
  lanesX: number[];
  /** The right end of the area the lanes span (break markers reach past it). */
  right: number;
  titleY: number;
  legendY: number;
  headerTop: number;
  headerHeight: number;
  /** The y of slot 0. */
  firstRow: number;
  /** The y, below the last row, of each lane's timers still waiting when the ladder ends. */
  pendingY: number[];
  laneBottom: number;
  bannerTop: number;
  bannerHeight: number;
}

/** Lays out one call's ladder `width` pixels wide (at least 640) with rows `rowHeight` apart (at least 22). */
export function layOutLadder(sample: TracedCall, size: { width?: number; rowHeight?: number }): LadderLayout {
  const width = Math.max(640, Math.floor(size.width ?? 1000));
  const rowHeight = Math.max(22, size.rowHeight ?? 34);
  const rows: Row[] = [];
  const outcomes: OutcomeEntry[] = [];
  for (const e of sample.entries) {
    if (e.kind === 'outcome') outcomes.push(e);
    else rows.push(e);
  }
  const targets = timerTargets(rows);
  const display = displayRows(rows, targets);

  const axisX = 84;
  const left = axisX + 70,
    right = width - 60;
  const lanesX = [0, 0.42, 0.58, 1].map((f) => left + f * (right - left));
  const headerTop = 60,
    headerHeight = 38;
  const firstRow = headerTop + headerHeight + 46;

  const { slots, breaks } = slotsOf(display);
  const last = slots.length === 0 ? 0 : slots[slots.length - 1]!;
  const y = scaleLinear()
    .domain([0, Math.max(1, last)])
    .range([firstRow, firstRow + Math.max(1, last) * rowHeight]);
  const rowSlot = new Map<number, number>();
  const targetY = new Map<Target, number>();
  display.forEach((d, k) => {
    if (d.target !== null) targetY.set(d.target, y(slots[k]!));
    else rowSlot.set(d.row, slots[k]!);
  });
  const lastY = display.length === 0 ? firstRow : y(last);

  // Timers still waiting when the call's ladder ends are drawn below it, one line per lane.
  const pendingTop = lastY + rowHeight * 0.75;
  const pendingY = [0, 1, 2, 3].map((lane) => pendingTop + lane * 14);
  const bannerTop = pendingTop + 4 * 14 + 6;
  const bannerHeight = sample.call.features.length > 0 ? 40 : 28;
  const bannerCount = Math.max(1, outcomes.length);
  return {
    width,
    height: Math.ceil(bannerTop + bannerCount * (bannerHeight + 6) + 10),
    rowHeight,
    rows,
    outcomes,
    targets,
    ticks: display.map((d, k) => ({ slot: slots[k]!, t: d.t })),
    breaks,
    y,
    rowY: rows.map((_, i) => y(rowSlot.get(i)!)),
    targetY,
    axisX,
    lanesX,
    right,
    titleY: 18,
    legendY: 42,
    headerTop,
    headerHeight,
    firstRow,
    pendingY,
    laneBottom: pendingY[3]! + 6,
    bannerTop,
    bannerHeight,
  };
}

/** For every arming on a lane, what each of its moments came to. */
function timerTargets(rows: readonly Row[]): Target[] {
  const out: Target[] = [];
  const lastTime = rows.length === 0 ? 0 : rows[rows.length - 1]!.t;
  rows.forEach((e, i) => {
    if (e.kind !== 'timer' || e.note.what !== 'timer-armed') return;
    let cut = -1;
    for (let j = i + 1; j < rows.length; j++) {
      const r = rows[j]!;
      if (r.kind === 'timer' && r.party === e.party && (r.note.what === 'timer-armed' || r.note.what === 'timer-off')) {
        cut = j;
        break;
      }
    }
    const moments: Array<[number, 'refresh' | 'expiry']> = [];
    if (e.note.refreshAt >= 0) moments.push([e.note.refreshAt, 'refresh']);
    if (e.note.expiryAt >= 0) moments.push([e.note.expiryAt, 'expiry']);
    for (const [t, kind] of moments) {
      if (cut >= 0 && rows[cut]!.t < t - 1e-9)
        out.push({ arm: i, party: e.party, t, kind, state: 'replaced', row: cut });
      else if (t > lastTime + 1e-9) out.push({ arm: i, party: e.party, t, kind, state: 'after', row: -1 });
      else {
        const own = rows.findIndex(
          (r, j) =>
            j > i &&
            r.kind === 'timer' &&
            r.party === e.party &&
            r.note.what === (kind === 'refresh' ? 'refresh-due' : 'expired') &&
            Math.abs(r.t - t) < 1e-6,
        );
        out.push({ arm: i, party: e.party, t, kind, state: 'reached', row: own });
      }
    }
  });
  return out;
}

/** A drawn row: a row of the trace (`row`), or a reached target without a row of its own. */
interface DisplayRow {
  t: number;
  row: number;
  target: Target | null;
}

/**
 * Every message and timer moment, plus a row for each timer moment that the lane reaches without
 * a row of its own (a refresh due that nobody sends), in time order.
 */
function displayRows(rows: readonly Row[], targets: readonly Target[]): DisplayRow[] {
  const display: DisplayRow[] = [];
  const waiting = targets.filter((g) => g.state === 'reached' && g.row < 0).sort((a, b) => a.t - b.t);
  const armed = new Set<number>();
  const flush = (until: number): void => {
    for (let k = 0; k < waiting.length;) {
      const w = waiting[k]!;
      if (w.t <= until + 1e-9 && armed.has(w.arm)) {
        display.push({ t: w.t, row: -1, target: w });
        waiting.splice(k, 1);
      } else k++;
    }
  };
  rows.forEach((e, i) => {
    flush(e.t);
    display.push({ t: e.t, row: i, target: null });
    armed.add(i);
  });
  flush(Infinity);
  return display;
}

/** Each row takes a slot; a long wait before a row takes one slot more, for its break marker. */
function slotsOf(display: readonly DisplayRow[]): { slots: number[]; breaks: Break[] } {
  const slots: number[] = [];
  const breaks: Break[] = [];
  let slot = 0;
  display.forEach((d, k) => {
    if (k > 0) {
      const gap = d.t - display[k - 1]!.t;
      if (gap >= BREAK_SECONDS) {
        slot += 1;
        breaks.push({ slot, gap });
      }
      slot += 1;
    }
    slots.push(slot);
  });
  return { slots, breaks };
}
