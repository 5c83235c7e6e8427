// The four lanes of every ladder (terminal, report, emulator): caller, the border element's
// inbound and outbound sides, callee; and which Call-ID each leg carried. No imports, so the
// browser bundles use it as well as the terminal.

export const LADDER_PARTIES = ['caller', 'cube-in', 'cube-out', 'callee'] as const;

/** Lane of a party, 0-3 in LADDER_PARTIES order; -1 for a name that is none of them. */
export function laneOf(party: string): number {
  return (LADDER_PARTIES as readonly string[]).indexOf(party);
}

/** The first Call-ID seen on each leg ('' when that leg carried nothing). */
export function legCallIds(entries: readonly { kind: string; from?: string; to?: string; callId?: string }[]): {
  inbound: string;
  outbound: string;
} {
  let inbound = '',
    outbound = '';
  for (const e of entries) {
    if (e.kind !== 'message') continue;
    const lane = Math.min(laneOf(e.from ?? ''), laneOf(e.to ?? ''));
    if (lane === 0 && inbound === '') inbound = e.callId ?? '';
    if (lane === 2 && outbound === '') outbound = e.callId ?? '';
  }
  return { inbound, outbound };
}
