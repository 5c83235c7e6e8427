// How much the JavaScript heap may grow between full collections in a process that runs the
// model. A run's heap is mostly long-lived state (every call in progress, its dialogs and
// transactions), and V8's default lets the old generation grow to up to four times what
// survived the last full collection before collecting again: sized for servers whose heap
// churns, it made a W1 run's peak memory about five times its live data. The limit was 30 %
// (December 2026, with calls of about 3.4 kB, most of them made new for each call): 20 % then saved
// little more (216 vs 221 MB at W1, 982 vs 993 MB at 150,000 calls in progress) and took 14 %
// longer at that scale, because what was left was old-space pages the collector kept half empty.
// Since a finished call's parts and record serve later calls (call-parts.ts), about 1.2 kB per
// call reaches the old generation instead of 5, and 20 % gives 187-190 vs 194-200 MB at W1 for
// 2.5 % of its speed, and 762 vs 795-808 MB at 150,000 calls in progress for 6 % (README,
// Performance). A larger young generation helps speed more (fewer objects copied), but V8 reads
// its size only as a process starts: sweep workers get one (sweep.ts), and a user can
// (NODE_OPTIONS=--max-semi-space-size=64).
import { setFlagsFromString } from 'node:v8';

/** Heap growth allowed between full collections, percent of what survived the last one. */
export const HEAP_GROWING_PERCENT = 20;

/** Sets the growth limit for this process (once, before the model allocates much). */
export function useSimulationHeapPolicy(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
