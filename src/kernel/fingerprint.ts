// A running hash of a run's trajectory (OMNeT++-style fingerprint): fold in what happened, in
// order, and any change of behaviour shows as a different value. Two 32-bit FNV-1a lanes with
// different offsets make accidental equality unlikely enough for regression checks.

const PRIME = 0x01000193;
const view = new DataView(new ArrayBuffer(8));

export class Fingerprint {
  private a = 0x811c9dc5;
  private b = 0x2545f491;

  /** Folds in a 32-bit integer. */
  int(x: number): void {
    let a = this.a,
      b = this.b;
    for (let i = 0; i < 4; i++) {
      const byte = (x >>> (i * 8)) & 0xff;
      a = Math.imul(a ^ byte, PRIME);
      b = Math.imul(b ^ byte ^ 0x5a, PRIME);
    }
    this.a = a;
    this.b = b;
  }

  /** Folds in a time (the exact binary64 value). */
  time(t: number): void {
    view.setFloat64(0, t);
    this.int(view.getUint32(0));
    this.int(view.getUint32(4));
  }

  text(s: string): void {
    for (let i = 0; i < s.length; i++) this.int(s.charCodeAt(i));
    this.int(s.length); // "ab" then "c" differs from "a" then "bc"
  }

  get value(): string {
    return (this.a >>> 0).toString(16).padStart(8, '0') + (this.b >>> 0).toString(16).padStart(8, '0');
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
