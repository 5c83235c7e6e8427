// The border element's counters, all zero: one place for the simulator (simulation.ts) and the
// emulator (src/emulate/emulator.ts), so that a counter added to BorderElementCounters is
// started in both.
import type { BorderElementCounters } from './border-element.ts';

export function newBorderElementCounters(): BorderElementCounters {
  return {
    reinvitesReceived: 0,
    reinvitesRelayed: 0,
    reinvitesAnsweredLocally: 0,
    reinvitesRejected: 0,
    reinvitesGlare: 0,
    optionsPingsSent: 0,
    admissionRejects: 0,
  };
}
