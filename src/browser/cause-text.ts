// Why a call ended, in plain words for the notebooks (README "drops.byCause" / "rejects.byCause").
// One entry per cause the model records (the Cause union of src/elements/call.ts): the compiler
// refuses this table when a cause is added to the model without its words here.

import type { Cause } from '../elements/call.ts';

const PARTY: Record<string, string> = {
  caller: 'the caller',
  callee: 'the callee',
  'border-element': 'the border element',
};

/** Every cause but the one that carries a status code (setup-NNN), each with its words. */
const WORDS: Record<Exclude<Cause, `setup-${number}`>, (who: string) => string> = {
  '': () => 'the call was still going on',
  'normal-clearing': (who) => `${who} hung up at the end of the conversation`,
  'session-expired': (who) => `${who} hung up because its session timer ran out with no refresh received`,
  'refresh-timeout': (who) =>
    `${who} hung up because its refresh got no answer at all (the transaction timed out; RFC 4028 §10)`,
  'refresh-408': (who) => `${who} hung up because its refresh was answered 408 Request Timeout`,
  'refresh-481': (who) => `${who} hung up because its refresh was answered 481: the far end no longer knew the dialog`,
  'refresh-glare': (who) => `${who} hung up on a 491 Request Pending to its refresh (glare) instead of trying again`,
  'refresh-rejected': (who) => `${who} hung up because its refresh was refused`,
  'ack-timeout': (who) => `${who} hung up because its 200 OK was never acknowledged`,
  'midcall-failure': (who) => `${who} hung up because a mid-call re-INVITE failed`,
  'options-ping-failed': () => 'the border element hung up because its in-dialog OPTIONS went unanswered',
  '422-unresolved': () => 'the caller gave up after 422 Session Interval Too Small',
  'setup-timeout': () => 'the INVITE was never answered',
  'setup-no-answer': () => 'the INVITE was never answered',
  'sip-to-sip-not-allowed': () =>
    'the border element refused it: SIP to SIP calls are not allowed by the configuration',
  'h323-to-sip-not-allowed': () =>
    'the border element refused it: H.323 to SIP calls are not allowed by the configuration',
  'admission-sessions': () => 'the border element refused it (503, call admission: sessions)',
  'admission-cps': () => 'the border element refused it (503, call admission: cps)',
  'admission-cpu': () => 'the border element refused it (503, call admission: cpu)',
  'answer-below-min-se': () =>
    "the border element ended it: the far end's 2xx carried a Session-Expires below the request's Min-SE",
  cancelled: () => 'the caller cancelled the INVITE',
};

/** Why a call ended, in plain words, from its cause and the side that ended it. */
export function causeText(cause: Cause, side: string): string {
  const who = PARTY[side] ?? 'one side';
  if (cause in WORDS) return WORDS[cause as keyof typeof WORDS](who);
  return `the INVITE was refused with ${cause.slice('setup-'.length)}`;
}
