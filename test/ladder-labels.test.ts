// The terminal ladder and the SVG ladder of the same call say the same thing of every message:
// both take their words from src/results/ladder.ts. Checked by drawing both, for every call of
// every teaching experiment, and reading the labels back from what was drawn: the text of each
// arrow in the terminal, the label tspan of each arrow in the SVG (drawn into a jsdom document).
// Drawing in jsdom is slow, and what the SVG writes on an arrow depends only on that message's
// lanes and wire fields: a call is drawn as SVG while it has a kind of message not drawn before
// (so every kind is drawn, in the calls where it first occurs); every call is drawn in the terminal.
import { readdirSync } from 'node:fs';
import { select } from 'd3';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import type { Call } from '../src/elements/call.ts';
import { runReplicationSync } from '../src/experiment/run.ts';
import { renderLadder } from '../src/output/ladder-text.ts';
import { drawLadder } from '../src/report/ladder-svg.ts';
import { REPORT_DOM } from '../src/report/data.ts';
import { laneOf, messageLabel, traceToJson, type MessageEntry } from '../src/results/ladder.ts';
import { load } from './helpers.ts';

const TEACHING = readdirSync('experiments')
  .filter((f) => f.startsWith('teach-') && f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length))
  .sort();

const document = new JSDOM('<!doctype html><svg xmlns="http://www.w3.org/2000/svg"></svg>').window.document;
const svgNode = document.querySelector('svg')!;
const svg = select(svgNode);

/** The messages a ladder draws as an arrow: between two different lanes it knows. */
function arrowed(call: Call): MessageEntry[] {
  const out: MessageEntry[] = [];
  for (const e of call.trace ?? []) {
    if (e.kind !== 'message') continue;
    const a = laneOf(e.from),
      b = laneOf(e.to);
    if (a >= 0 && b >= 0 && a !== b) out.push(e);
  }
  return out;
}

/**
 * The text on each arrow of the terminal ladder, in order. Rows follow the trace (messages and
 * timer moments, outcome last), three heading lines first; an arrow fills the columns between
 * its two lanes: a head, dashes, the label, dashes.
 */
function terminalLabels(call: Call): string[] {
  const lines = renderLadder(call, { width: 200 }).split('\n');
  const lanes: number[] = [];
  for (let c = 0; c < lines[2]!.length; c++) if (lines[2]![c] === '|' || lines[2]![c] === ':') lanes.push(c);
  expect(lanes).toHaveLength(4);
  const out: string[] = [];
  let row = 3;
  for (const e of call.trace ?? []) {
    if (e.kind === 'outcome') continue;
    const line = lines[row++]!;
    if (e.kind !== 'message') continue;
    const a = laneOf(e.from),
      b = laneOf(e.to);
    if (a < 0 || b < 0 || a === b) continue;
    const arrow = line.slice(lanes[Math.min(a, b)]! + 1, lanes[Math.max(a, b)]);
    out.push(
      arrow
        .replace(/^[<x]?-*/, '')
        .replace(/-*[>x]?$/, '')
        .trim(),
    );
  }
  return out;
}

/** The label tspan of each arrow of the SVG ladder, in order. */
function svgLabels(call: Call): string[] {
  drawLadder(svg, traceToJson(call));
  return [...svgNode.querySelectorAll(`g.${REPORT_DOM.messageClass} tspan.${REPORT_DOM.messageLabelClass}`)].map(
    (t) => t.textContent ?? '',
  );
}

/** The terminal cuts a label longer than the gap between two lanes with an ellipsis; the SVG never does. */
function sameLabel(terminal: string, full: string): boolean {
  return terminal === full || (terminal.endsWith('…') && full.startsWith(terminal.slice(0, -1)));
}

describe('the terminal and SVG ladders label every message identically', () => {
  it.each(TEACHING)('%s: every call, every message', (name) => {
    const loaded = load(name);
    const calls: Call[] = [];
    runReplicationSync(loaded, 0, { tracedBelow: Number.MAX_SAFE_INTEGER, onCall: (c) => calls.push(c) });
    expect(calls.length).toBe(loaded.experiment.calls);
    let count = 0,
      cut = 0;
    const drawnKinds = new Set<string>();
    for (const call of calls) {
      const messages = arrowed(call);
      const model = messages.map(messageLabel);
      const kinds = messages.map((e) => [e.from, e.to, e.method, e.status, e.label, e.purpose].join(' '));
      if (kinds.some((k) => !drawnKinds.has(k))) {
        // The SVG shows the model's label whole.
        expect(svgLabels(call), `call ${call.index}`).toEqual(model);
        for (const k of kinds) drawnKinds.add(k);
      }
      // The terminal shows the same words, cut only for room.
      const drawnText = terminalLabels(call);
      expect(drawnText, `call ${call.index}`).toHaveLength(model.length);
      drawnText.forEach((t, i) => {
        expect(sameLabel(t, model[i]!), `call ${call.index}, message ${i}: "${t}" vs "${model[i]!}"`).toBe(true);
        if (t !== model[i]) cut++;
      });
      count += model.length;
    }
    expect(count).toBeGreaterThan(calls.length * 4);
    // Cutting is the exception (long status lines such as 422 Session Interval Too Small).
    expect(cut).toBeLessThan(count / 4);
  });
});
