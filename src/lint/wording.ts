// How findings say things: numbers without floating-point noise, lists in prose, the tag of an
// assumed model value, and the recurring phrases about profiles and pairs.

import type { EndpointProfile } from '../elements/models.ts';
import type { PairOutcome } from './pairing.ts';

/** Seconds and rates without floating-point noise: 99, 44.4. */
export function num(n: number): string {
  return String(Number(n.toFixed(1)));
}

/** "(assumed, Q3)" for a model value marked assumed, keyed by the fact-sheet entry its text starts with. */
export function assumedTag(item: { assumed?: string | undefined }): string {
  if (item.assumed === undefined) return '';
  const key = /^\s*([A-Z]\d+)\b/.exec(item.assumed);
  return key === null ? '(assumed)' : `(assumed, ${key[1]})`;
}

/** The text with an assumption tag after it, when there is one. */
export function withTag(text: string, tag: string): string {
  return tag === '' ? text : `${text} ${tag}`;
}

/** `a`, `a and b`, `a, b and c`. */
export function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** What the profile does after a 422, as the end of a sentence about it. */
export function retryWords(p: EndpointProfile): string {
  if (!p.timer.retry422) return 'never retries after 422';
  if (p.timer.max422Retries === 0) return 'does not retry after 422 (max422Retries 0)';
  return `gives up after ${p.timer.max422Retries} ${p.timer.max422Retries === 1 ? 'retry' : 'retries'} after 422`;
}

/** `calls from <caller> to <callee>`. */
export function pairWords(pair: PairOutcome): string {
  return `calls from ${pair.caller.id} to ${pair.callee.id}`;
}
