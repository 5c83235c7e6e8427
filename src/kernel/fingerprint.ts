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

/**
 * Words waiting to be folded in. Folding is FNV-1a byte by byte, a chain each step of which waits
 * for the last; done per message it cost several times the arithmetic itself (a call, the lanes
 * loaded and stored per word). Words are written here and folded a buffer at a time in one loop,
 * which gives the same value: the hash sees the same bytes in the same order.
 */
const BUFFER_WORDS = 2048;

export class Fingerprint {
  private a = 0x811c9dc5;
  private b = 0x2545f491;
  private readonly words = new Int32Array(BUFFER_WORDS);
  private n = 0;

  /** Folds in a 32-bit integer (its bytes lowest first, when the buffer is folded). */
  int(x: number): void {
    if (this.n === BUFFER_WORDS) this.fold();
    this.words[this.n++] = x;
  }

  /** Folds in a time (the exact binary64 value), high word first. */
  time(t: number): void {
    if (this.n > BUFFER_WORDS - 2) this.fold();
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

  get value(): string {
    this.fold();
    return (this.a >>> 0).toString(16).padStart(8, '0') + (this.b >>> 0).toString(16).padStart(8, '0');
  }

  /** Folds the buffered words into both lanes, each word's bytes lowest first. */
  private fold(): void {
    const w = this.words,
      n = this.n;
    let a = this.a,
      b = this.b;
    for (let i = 0; i < n; i++) {
      const x = w[i]!;
      let byte = x & 0xff;
      a = Math.imul(a ^ byte, PRIME);
      b = Math.imul(b ^ byte ^ 0x5a, PRIME);
      byte = (x >>> 8) & 0xff;
      a = Math.imul(a ^ byte, PRIME);
      b = Math.imul(b ^ byte ^ 0x5a, PRIME);
      byte = (x >>> 16) & 0xff;
      a = Math.imul(a ^ byte, PRIME);
      b = Math.imul(b ^ byte ^ 0x5a, PRIME);
      byte = x >>> 24;
      a = Math.imul(a ^ byte, PRIME);
      b = Math.imul(b ^ byte ^ 0x5a, PRIME);
    }
    this.a = a;
    this.b = b;
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
