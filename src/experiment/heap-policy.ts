// How much the JavaScript heap may grow between full collections in a process that runs the
// model. A run's heap is mostly long-lived state (every call in progress, its dialogs and
// transactions), and V8's default lets the old generation grow to up to four times what
// survived the last full collection before collecting again: sized for servers whose heap
// churns, it made a W1 run's peak memory about five times its live data. Growing by half
// instead cut that peak by 38 % for about 7 % of the speed (which the larger young generation
// below more than pays back); growing by less collects so often that large runs slow down
// (README, Performance, for the measurements).
import { setFlagsFromString } from 'node:v8';

/**
 * The young generation's size, given where a process starts (the first line of bin/cubesim.mjs,
 * the benchmark's runs): V8 reads it only then. A W1 transaction and the messages it keeps live
 * 32 simulated seconds (Timers L and M); with Node's default 16 MB semi-space a collection of the
 * young generation comes every few thousand messages and copies them, and with 64 MB most are
 * gone by then: W1 ran about a fifth faster for about 150 MB more at its peak (README, Performance).
 */
export const YOUNG_GENERATION_FLAG = '--max-semi-space-size=64';

/** Heap growth allowed between full collections, percent of what survived the last one. */
export const HEAP_GROWING_PERCENT = 50;

/** Sets the growth limit for this process (once, before the model allocates much). */
export function useSimulationHeapPolicy(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
