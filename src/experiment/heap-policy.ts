// How much the JavaScript heap may grow between full collections in a process that runs the
// model. A run's heap is mostly long-lived state (every call in progress, its dialogs and
// transactions), and V8's default lets the old generation grow to up to four times what
// survived the last full collection before collecting again: sized for servers whose heap
// churns, it made a W1 run's peak memory about five times its live data. Growing by half at most
// costs about 3 % of W1's speed against doubling, for 12 % less peak memory (14 % at 150,000
// calls in progress); with calls as large as they were before December 2026 it cost 7 %, and
// growing by less collects so often that large runs slow down (README, Performance). A larger
// young generation helps speed more (fewer objects copied), but V8 reads its size only as a
// process starts: sweep workers get one (sweep.ts), and a user can
// (NODE_OPTIONS=--max-semi-space-size=64).
import { setFlagsFromString } from 'node:v8';

/** Heap growth allowed between full collections, percent of what survived the last one. */
export const HEAP_GROWING_PERCENT = 50;

/** Sets the growth limit for this process (once, before the model allocates much). */
export function useSimulationHeapPolicy(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
