// The story of one traced call in sentences for the notebooks: how it ended and when, the 422s
// of its setup, the session timers each leg agreed, who refreshed and whether the refreshes
// crossed the border element, and what the network lost.

import type { TracedCall } from '../results/ladder.ts';
import { causeText } from './cause-text.ts';

type MessageEntry = Extract<TracedCall['entries'][number], { kind: 'message' }>;

// Durations as the sentences give them: 15 min, 899.5 s.
const minutes = (s: number): string => `${(s / 60).toFixed(s % 60 === 0 ? 0 : 1)} min`;
const sec = (s: number): string => `${Number.isInteger(Math.round(s * 10) / 10) ? Math.round(s) : s.toFixed(1)} s`;

export interface CallAccount {
  /** One sentence: how the call ended and when. */
  headline: string;
  /** Sentences on setup, the negotiated timers, the refreshes and the network. */
  details: string[];
  /** Seconds from answer to the end (-1 when never answered). */
  lengthFromAnswer: number;
}

/** The story of one traced call: outcome, cause, when, and what the session timers did. */
export function describeCall(sample: TracedCall): CallAccount {
  const c = sample.call;
  const messages = sample.entries.filter((e): e is MessageEntry => e.kind === 'message');
  const firsts = messages.filter((m) => !m.retransmission);
  const answered = c.answeredAt >= 0;
  const length = answered && c.endedAt >= 0 ? c.endedAt - c.answeredAt : -1;
  const details: string[] = [];

  // Setup: 422s from the callee and from the border element itself (those it only relays are not counted twice).
  const from = (party: string, status: number): MessageEntry[] =>
    firsts.filter((m) => m.from === party && m.status === status && m.purpose === 'setup');
  const callee422 = from('callee', 422);
  const cube422 = Math.max(0, from('cube-in', 422).length - callee422.length);
  const invites = firsts.filter((m) => m.from === 'caller' && m.method === 'INVITE' && m.purpose === 'setup');
  if (cube422 > 0 || callee422.length > 0) {
    const parts: string[] = [];
    if (cube422 > 0)
      parts.push(
        `the border element answered ${cube422 === 1 ? 'an INVITE' : `${cube422} INVITEs`} with 422 Session Interval Too Small (its min-se is above the Session-Expires offered)`,
      );
    if (callee422.length > 0)
      parts.push(
        `the callee answered ${callee422.length === 1 ? 'an INVITE' : `${callee422.length} INVITEs`} with 422 (its own Min-SE is ${callee422[0]!.minSe} s)`,
      );
    const last = invites[invites.length - 1];
    details.push(
      `Setup took ${invites.length} INVITE${invites.length === 1 ? '' : 's'}: ${parts.join(', and ')}${last !== undefined && invites.length > 1 ? `; the caller tried again with Session-Expires ${last.sessionExpires} s` : ''}.`,
    );
  }

  // What each leg agreed: the last 2xx to a setup INVITE on it.
  const agreed = (sender: string): MessageEntry | undefined =>
    [...firsts]
      .reverse()
      .find(
        (m) => m.from === sender && m.method === 'INVITE' && m.purpose === 'setup' && m.status >= 200 && m.status < 300,
      );
  const who = (token: string, leg: 'inbound' | 'outbound'): string =>
    token === 'uac'
      ? leg === 'inbound'
        ? 'the caller'
        : 'the border element, for the caller'
      : token === 'uas'
        ? leg === 'inbound'
          ? 'the border element, for the callee'
          : 'the callee'
        : 'nobody named';
  const legs = (['inbound', 'outbound'] as const).map((leg) => ({
    leg,
    ok: agreed(leg === 'inbound' ? 'cube-in' : 'callee'),
  }));
  if (answered) {
    const words = legs.map(({ leg, ok }) =>
      ok === undefined || ok.sessionExpires === 0
        ? `no session timer on the ${leg} leg`
        : `Session-Expires ${ok.sessionExpires} s on the ${leg} leg, refresher ${who(ok.refresher, leg)}`,
    );
    details.push(`Agreed at answer: ${words.join('; ')}.`);
  }

  // Refreshes: who sent them, and whether they crossed the border element.
  const refreshes = firsts.filter(
    (m) => m.purpose === 'refresh' && m.status === 0 && (m.method === 'INVITE' || m.method === 'UPDATE'),
  );
  const byCaller = refreshes.filter((m) => m.from === 'caller');
  const byCallee = refreshes.filter((m) => m.from === 'callee');
  const toCallee = refreshes.filter((m) => m.from === 'cube-out');
  const toCaller = refreshes.filter((m) => m.from === 'cube-in');
  const when = (ms: MessageEntry[]): string =>
    ms
      .slice(0, 4)
      .map((m) => sec(m.t - c.answeredAt))
      .join(', ') + (ms.length > 4 ? ', ...' : '');
  const method = (ms: MessageEntry[]): string =>
    ms.every((m) => m.method === 'UPDATE')
      ? 'UPDATE'
      : ms.every((m) => m.method === 'INVITE')
        ? 're-INVITE'
        : 're-INVITE or UPDATE';
  /** What became of the refreshes one party sent: `relayed` are those the border element sent on. */
  const refreshFate = (sender: string, receiver: string, sent: MessageEntry[], relayed: MessageEntry[]): void => {
    if (sent.length === 0) return;
    const fate =
      relayed.length >= sent.length
        ? `the border element passed ${sent.length === 1 ? 'it' : 'each one'} on to the ${receiver}`
        : relayed.length === 0
          ? `the border element answered ${sent.length === 1 ? 'it itself: it never reached' : 'them itself: none reached'} the ${receiver}`
          : `only ${relayed.length} reached the ${receiver}`;
    details.push(
      `The ${sender} sent ${sent.length} refresh${sent.length === 1 ? '' : 'es'} by ${method(sent)} (${when(sent)} after answer); ${fate}.`,
    );
  };
  refreshFate('caller', 'callee', byCaller, toCallee);
  refreshFate('callee', 'caller', byCallee, toCaller);
  if (answered && refreshes.length === 0 && legs.some(({ ok }) => ok !== undefined && ok.sessionExpires > 0)) {
    details.push('Nobody sent a refresh during the call.');
  }

  const lost = messages.filter((m) => m.lost).length;
  const retx = messages.filter((m) => m.retransmission).length;
  if (lost > 0 || retx > 0) {
    const lostText =
      lost === 0 ? 'No message was lost on the network' : `The network lost ${lost} message${lost === 1 ? '' : 's'}`;
    details.push(
      `${lostText}; ${retx} retransmission${retx === 1 ? ' was' : 's were'} sent (a request is sent again while no answer comes, a 200 OK while no ACK comes).`,
    );
  }

  const side = c.side;
  let headline: string;
  switch (c.outcome) {
    case 'completed':
      headline = `Completed normally: ${causeText(c.cause, side)} ${sec(length)} after answer, as planned (holding time ${sec(c.holding)}).`;
      break;
    case 'dropped':
      headline = `Dropped ${sec(length)} (${minutes(length)}) after answer, before the planned ${sec(c.holding)}: ${causeText(c.cause, side)}${c.leg !== '' ? ` (${c.leg} leg)` : ''}.`;
      break;
    case 'rejected':
      headline = `Never set up: ${causeText(c.cause, side)}${c.status > 0 ? ` (status ${c.status})` : ''}.`;
      break;
    default:
      headline = 'Still in progress when the run stopped.';
  }
  return { headline, details, lengthFromAnswer: length };
}
