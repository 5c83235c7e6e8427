// How much the JavaScript heap may grow between full collections in a process that runs the
// model. A run's heap is mostly long-lived state (every call in progress, its dialogs and
// transactions), and V8's default lets the old generation grow to up to four times what
// survived the last full collection before collecting again: sized for servers whose heap
// churns, it made a W1 run's peak memory about five times its live data. Growing by 30 % at most
// (December 2026, with calls of about 3.4 kB) costs 1-6 % of W1's speed against 50 % for 4 % less
// peak memory at W1 (221 vs 231 MB) and 8 % less at 150,000 calls in progress (993 vs 1,074 MB,
// 6 % longer); 20 % saved little more (216 MB, 982 MB) and took 14 % longer at that scale, where
// what is left is old-space pages the collector keeps half empty rather than growth (README,
// Performance). A larger young generation helps speed more (fewer objects copied), but V8 reads
// its size only as a process starts: sweep workers get one (sweep.ts), and a user can
// (NODE_OPTIONS=--max-semi-space-size=64).
import { setFlagsFromString } from 'node:v8';

/** Heap growth allowed between full collections, percent of what survived the last one. */
export const HEAP_GROWING_PERCENT = 30;

/** Sets the growth limit for this process (once, before the model allocates much). */
export function useSimulationHeapPolicy(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
