// A running hash of a run's trajectory (OMNeT++-style fingerprint): fold in what happened, in
// order, and any change of behaviour shows as a different value. Two 32-bit FNV-1a lanes with
// different offsets make accidental equality unlikely enough for regression checks.

const PRIME = 0x01000193;
/** A time's binary64 value as two 32-bit words, high word first whatever the machine's byte order. */
const timeBits = new Float64Array(1);
const timeWords = new Uint32Array(timeBits.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HIGH = LITTLE_ENDIAN ? 1 : 0,
  LOW = 1 - HIGH;

/** The two lanes before any word: FNV-1a's offset basis, and another for the second lane. */
export const LANES_AT_START: readonly [number, number] = [0x811c9dc5, 0x2545f491];

/**
 * Folds `words[from..to)` into both lanes (`lanes[0]`, `lanes[1]`), each word's bytes lowest
 * first: FNV-1a byte by byte, the second lane's bytes xored with 0x5a. Every step waits for the
 * last, so this is as fast as it gets in one thread. The body names nothing from outside it (the
 * prime is written out), so that a thread of its own can run this very text
 * (src/experiment/fingerprint-thread.ts).
 */
export function foldWords(lanes: Int32Array, words: Int32Array, from: number, to: number): void {
  let a = lanes[0]!,
    b = lanes[1]!;
  for (let i = from; i < to; i++) {
    const x = words[i]!;
    let byte = x & 0xff;
    a = Math.imul(a ^ byte, 0x01000193);
    b = Math.imul(b ^ byte ^ 0x5a, 0x01000193);
    byte = (x >>> 8) & 0xff;
    a = Math.imul(a ^ byte, 0x01000193);
    b = Math.imul(b ^ byte ^ 0x5a, 0x01000193);
    byte = (x >>> 16) & 0xff;
    a = Math.imul(a ^ byte, 0x01000193);
    b = Math.imul(b ^ byte ^ 0x5a, 0x01000193);
    byte = x >>> 24;
    a = Math.imul(a ^ byte, 0x01000193);
    b = Math.imul(b ^ byte ^ 0x5a, 0x01000193);
  }
  lanes[0] = a;
  lanes[1] = b;
}

/**
 * Where a fingerprint's words go to be folded. Words are written into a buffer and folded a
 * buffer at a time: done per message, folding cost several times the arithmetic itself (a call,
 * the lanes loaded and stored per word), and the hash sees the same bytes in the same order
 * either way. The folding may happen here (FoldingHere) or on a thread of its own, while the run
 * goes on (src/experiment/fingerprint-thread.ts); the value is the same.
 */
export interface WordFolder {
  /** The buffer the first words are written into. */
  readonly first: Int32Array;
  /** The first `n` words of the buffer last given are written: they are taken; the buffer for the next ones. */
  handOver(n: number): Int32Array;
  /** Both lanes, once every word handed over is folded. */
  lanes(): Int32Array;
  /** Ends what folds, when it is more than a function (the value read before stays valid). */
  close?(): Promise<void>;
}

/** Words a buffer holds when folded in this thread. */
const BUFFER_WORDS = 2048;

/** Folding in the thread that writes the words, a buffer at a time. */
export class FoldingHere implements WordFolder {
  private readonly state = Int32Array.from(LANES_AT_START);
  readonly first = new Int32Array(BUFFER_WORDS);

  handOver(n: number): Int32Array {
    foldWords(this.state, this.first, 0, n);
    return this.first;
  }

  lanes(): Int32Array {
    return this.state;
  }
}

export class Fingerprint {
  private words: Int32Array;
  /** Words the buffer holds. */
  private readonly capacity: number;
  private n = 0;

  constructor(private readonly folder: WordFolder = new FoldingHere()) {
    this.words = folder.first;
    this.capacity = this.words.length;
  }

  /** Folds in a 32-bit integer (its bytes lowest first, when the buffer is folded). */
  int(x: number): void {
    if (this.n === this.capacity) this.handOver();
    this.words[this.n++] = x;
  }

  /** Folds in a time (the exact binary64 value), high word first. */
  time(t: number): void {
    if (this.n > this.capacity - 2) this.handOver();
    timeBits[0] = t;
    const w = this.words;
    w[this.n] = timeWords[HIGH]!;
    w[this.n + 1] = timeWords[LOW]!;
    this.n += 2;
  }

  text(s: string): void {
    for (let i = 0; i < s.length; i++) this.int(s.charCodeAt(i));
    this.int(s.length); // "ab" then "c" differs from "a" then "bc"
  }

  /** The value of every word so far; the fingerprint takes words on after it is read. */
  get value(): string {
    this.handOver();
    const l = this.folder.lanes();
    return (l[0]! >>> 0).toString(16).padStart(8, '0') + (l[1]! >>> 0).toString(16).padStart(8, '0');
  }

  private handOver(): void {
    this.words = this.folder.handOver(this.n);
    this.n = 0;
  }
}

/** A 32-bit FNV-1a hash of a string, for folding a text that recurs (a Call-ID) as one integer. */
export function textHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), PRIME);
  return Math.imul(h ^ s.length, PRIME) >>> 0;
}

/** textHash of `a`, `b` and `c` joined by U+0000, without making the joined text. */
export function joinedTextHash(a: string, b: string, c: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < a.length; i++) h = Math.imul(h ^ a.charCodeAt(i), PRIME);
  h = Math.imul(h, PRIME); // the separator: h ^ 0 is h
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b.charCodeAt(i), PRIME);
  h = Math.imul(h, PRIME);
  for (let i = 0; i < c.length; i++) h = Math.imul(h ^ c.charCodeAt(i), PRIME);
  return Math.imul(h ^ (a.length + b.length + c.length + 2), PRIME) >>> 0;
}
