// Folding a run's fingerprint on a thread of its own. The hash (src/kernel/fingerprint.ts) is a
// chain of dependent multiplications, 5-6 % of a W1 run's time in one thread; the words to fold
// are written as before, into blocks of memory shared with a folding thread, which folds them
// while the run goes on. The value is the same: the same function folds the same words in the
// same order. Worth it only where a core is free beside the run: not in a sweep's worker
// processes, which take every core between them.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { foldWords, LANES_AT_START, type WordFolder } from '../kernel/fingerprint.ts';

/** Words in a block: a block handed over costs one wake-up of the folding thread at most. */
const BLOCK_WORDS = 1 << 14;
/** Blocks in the ring: the run waits only when the folding thread is this far behind (or not started yet). */
const BLOCKS = 16;
/**
 * How long the run waits for the folding thread to fold one more block before it gives up with an
 * error: far beyond any start or any block (a block takes well under a millisecond). A thread whose
 * program fails says so in the shared memory and the run stops at once; one that never starts, or
 * ends without a word, cannot (the run's waiting thread hears no event), and this bounds the wait.
 */
const STALL_MS = 30_000;

// The control words at the head of the shared memory, then one word per block (its length).
const HANDED = 0, // blocks handed over so far
  FOLDED = 1, // blocks folded so far
  LANE_A = 2, // the lanes after the last block folded
  LANE_B = 3,
  FAILED = 4, // 1 once the thread's program has failed (it says so before it ends)
  LENGTHS = 5,
  CONTROL_WORDS = LENGTHS + BLOCKS;

/**
 * Below this many calls in a run the thread's start (some tens of milliseconds, and about 10 MB)
 * is not earned back; the run folds its own words.
 */
export const FOLDING_THREAD_CALLS = 20_000;

/**
 * How replications of `calls` calls each fold their fingerprint, as replication options: on a
 * thread of their own when this machine has a core to spare and the runs are large enough; none
 * (the run's own thread) otherwise.
 */
export function fingerprintFolding(calls: number): { fingerprintFolder?: () => WordFolder } {
  if (availableParallelism() < 2 || !(calls >= FOLDING_THREAD_CALLS)) return {};
  return { fingerprintFolder: () => new FoldingThread() };
}

/**
 * The folding thread's program: waits for blocks, folds each with foldWords (its own text, so
 * both threads run the same code) and says how far it got.
 */
const FOLDER_PROGRAM = `
const { workerData } = require('node:worker_threads');
const foldWords = (${foldWords.toString()});
const control = new Int32Array(workerData, 0, ${CONTROL_WORDS});
const words = new Int32Array(workerData, ${CONTROL_WORDS * 4});
const lanes = new Int32Array([control[${LANE_A}], control[${LANE_B}]]);
try {
  for (let folded = 0; ; ) {
    const handed = Atomics.load(control, ${HANDED});
    if (folded === handed) {
      Atomics.wait(control, ${HANDED}, handed);
      continue;
    }
    const block = folded % ${BLOCKS};
    const from = block * ${BLOCK_WORDS};
    foldWords(lanes, words, from, from + control[${LENGTHS} + block]);
    folded++;
    control[${LANE_A}] = lanes[0];
    control[${LANE_B}] = lanes[1];
    Atomics.store(control, ${FOLDED}, folded);
    Atomics.notify(control, ${FOLDED});
  }
} catch (e) {
  Atomics.store(control, ${FAILED}, 1);
  Atomics.notify(control, ${FOLDED});
  throw e;
}
`;

/**
 * A ring of blocks shared with a folding thread. The run writes a block, hands it over (its length,
 * then the count of blocks handed, both seen by the thread in that order: Atomics order them) and
 * goes on in the next; it waits only when every block is still to be folded. `lanes` waits for the
 * thread to catch up. The thread does not keep the process alive, and `close` ends it.
 */
export class FoldingThread implements WordFolder {
  private readonly control: Int32Array;
  private readonly blocks: Int32Array[] = [];
  private readonly worker: Worker;
  private handed = 0;
  readonly first: Int32Array;

  constructor(
    /** How long to wait for a block to be folded before giving up (STALL_MS; tests shorten it). */
    private readonly stallMs = STALL_MS,
  ) {
    const memory = new SharedArrayBuffer((CONTROL_WORDS + BLOCKS * BLOCK_WORDS) * 4);
    this.control = new Int32Array(memory, 0, CONTROL_WORDS);
    this.control[LANE_A] = LANES_AT_START[0];
    this.control[LANE_B] = LANES_AT_START[1];
    for (let i = 0; i < BLOCKS; i++)
      this.blocks.push(new Int32Array(memory, (CONTROL_WORDS + i * BLOCK_WORDS) * 4, BLOCK_WORDS));
    this.first = this.blocks[0]!;
    this.worker = new Worker(FOLDER_PROGRAM, { eval: true, workerData: memory });
    this.worker.unref();
    // A failure is told through the shared memory (FAILED); the event would come too late to help.
    this.worker.on('error', () => {});
  }

  handOver(n: number): Int32Array {
    const c = this.control;
    const block = this.handed % BLOCKS;
    c[LENGTHS + block] = n;
    Atomics.store(c, HANDED, ++this.handed);
    Atomics.notify(c, HANDED);
    // The next block is free once the thread has folded what was in it.
    this.waitUntilFolded(this.handed - BLOCKS + 1);
    return this.blocks[this.handed % BLOCKS]!;
  }

  lanes(): Int32Array {
    this.waitUntilFolded(this.handed);
    return Int32Array.of(this.control[LANE_A]!, this.control[LANE_B]!);
  }

  /** Waits until the thread has folded `blocks` blocks. */
  private waitUntilFolded(blocks: number): void {
    const c = this.control;
    for (let folded = Atomics.load(c, FOLDED); folded < blocks; folded = Atomics.load(c, FOLDED)) {
      if (Atomics.load(c, FAILED) === 1) throw new Error("the fingerprint's folding thread failed");
      if (Atomics.wait(c, FOLDED, folded, this.stallMs) === 'timed-out' && Atomics.load(c, FOLDED) === folded)
        throw new Error(`the fingerprint's folding thread folded nothing for ${this.stallMs / 1000} s`);
    }
  }

  /** Ends the folding thread (the value read before stays valid); resolves once it has ended. */
  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
