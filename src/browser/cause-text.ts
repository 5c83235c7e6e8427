// Why a call ended, in plain words for the notebooks, decoded from the cause string a run records
// (README "drops.byCause" / "rejects.byCause").

const PARTY: Record<string, string> = {
  caller: 'the caller',
  callee: 'the callee',
  'border-element': 'the border element',
};

/** Why a call ended, in plain words, from its cause (README "drops.byCause" / "rejects.byCause"). */
export function causeText(cause: string, side: string): string {
  const who = PARTY[side] ?? 'one side';
  switch (cause) {
    case 'normal-clearing':
      return `${who} hung up at the end of the conversation`;
    case 'session-expired':
      return `${who} hung up because its session timer ran out with no refresh received`;
    case 'refresh-timeout':
      return `${who} hung up because its refresh got no answer at all (the transaction timed out; RFC 4028 §10)`;
    case 'refresh-408':
      return `${who} hung up because its refresh was answered 408 Request Timeout`;
    case 'refresh-481':
      return `${who} hung up because its refresh was answered 481: the far end no longer knew the dialog`;
    case 'refresh-glare':
      return `${who} hung up on a 491 Request Pending to its refresh (glare) instead of trying again`;
    case 'refresh-rejected':
      return `${who} hung up because its refresh was refused`;
    case 'ack-timeout':
      return `${who} hung up because its 200 OK was never acknowledged`;
    case 'midcall-failure':
      return `${who} hung up because a mid-call re-INVITE failed`;
    case 'options-ping-failed':
      return 'the border element hung up because its in-dialog OPTIONS went unanswered';
    case '422-unresolved':
      return 'the caller gave up after 422 Session Interval Too Small';
    case 'setup-timeout':
      return 'the INVITE was never answered';
    case 'sip-to-sip-not-allowed':
      return 'the border element refused it: SIP to SIP calls are not allowed by the configuration';
    default:
      if (cause.startsWith('admission-'))
        return `the border element refused it (503, call admission: ${cause.slice('admission-'.length)})`;
      if (cause.startsWith('setup-')) return `the INVITE was refused with ${cause.slice('setup-'.length)}`;
      return cause;
  }
}
