// Turns a zod issue into one InputError line in this project's words: the field path, the
// value given, and what is allowed. Shared by every schema a user can get wrong (experiments,
// configurations, models), so they all read alike.
import type { z } from 'zod';
import { InputError } from './errors.ts';

/**
 * The candidate closest to `typed`, if it is close enough to be a plausible typo: at most a
 * quarter of the candidate's length away (one edit is always tolerated).
 */
export function closestMatch(typed: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(typed.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 4)) ? best : undefined;
}

/** Levenshtein distance (insert, delete, substitute each cost 1). */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}

export function pathText(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join('.');
}

/** The path with list indices written as `*`, for looking up per-field texts. */
export function pathPattern(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? '*' : String(p))).join('.');
}

export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

export function show(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) return String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'a whole number' : 'a fractional number';
  return `a ${typeof value}`;
}

/** What the issue itself says is allowed, when no hand-written text is given. */
function allowedFromIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `${issue.expected}`;
    case 'too_small':
      return `${issue.inclusive === false ? 'more than' : 'at least'} ${String(issue.minimum)}${issue.origin === 'array' ? ' items' : issue.origin === 'string' ? ' characters' : ''}`;
    case 'too_big':
      return `${issue.inclusive === false ? 'less than' : 'at most'} ${String(issue.maximum)}${issue.origin === 'array' ? ' items' : issue.origin === 'string' ? ' characters' : ''}`;
    case 'invalid_value':
      return issue.values.map((v) => JSON.stringify(v)).join(', ');
    case 'invalid_format':
      return issue.message;
    case 'invalid_union':
      return issue.message.startsWith('Invalid input') ? 'one of the documented forms' : issue.message;
    default:
      return issue.message;
  }
}

export interface IssueTexts {
  /** Field names of the object at a path pattern, for unknown-field suggestions. */
  fields?: (pattern: string) => readonly string[] | undefined;
  /** Hand-written "allowed" text for a path pattern. */
  allowed?: (pattern: string) => string | undefined;
}

/** The first zod issue as an InputError naming `file`, the field, the value and what is allowed. */
export function issueToError(issue: z.core.$ZodIssue, root: unknown, file: string, texts: IssueTexts = {}): InputError {
  const path = issue.path;
  const where = (p: readonly PropertyKey[]) => (p.length === 0 ? undefined : `field ${pathText(p)}`);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const container = valueAt(root, path);
    const fields = texts.fields?.(pathPattern(path)) ?? [];
    const guess = closestMatch(key, fields);
    const more = issue.keys.length > 1 ? ` (and ${issue.keys.length - 1} more unknown)` : '';
    const suggestion = guess === undefined ? '' : `; did you mean "${guess}"?`;
    const list = fields.length > 0 ? `; allowed fields: ${fields.join(', ')}` : container === undefined ? '' : '';
    return new InputError(file, where([...path, key]), `unknown field "${key}"${more}${list}${suggestion}`);
  }
  const pattern = pathPattern(path);
  const allowed = texts.allowed?.(pattern) ?? allowedFromIssue(issue);
  const value = valueAt(root, path);
  if (value === undefined) return new InputError(file, where(path), `required field is missing; allowed: ${allowed}`);
  if (issue.code === 'custom') return new InputError(file, where(path), `got ${show(value)}; ${issue.message}`);
  const given = issue.code === 'invalid_type' ? `${show(value)} (${kindOf(value)})` : show(value);
  return new InputError(file, where(path), `got ${given}; allowed: ${allowed}`);
}

/** Field names of every strict object in a zod schema, by path pattern (lists as `*`). */
export function objectFields(schema: z.ZodType): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const visit = (s: unknown, prefix: string): void => {
    const def = (s as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    if (def === undefined) return;
    switch (def['type']) {
      case 'object': {
        const shape = def['shape'] as Record<string, unknown>;
        out.set(prefix, Object.keys(shape));
        for (const [k, v] of Object.entries(shape)) visit(v, prefix === '' ? k : `${prefix}.${k}`);
        return;
      }
      case 'array': visit(def['element'], prefix === '' ? '*' : `${prefix}.*`); return;
      case 'record': visit(def['valueType'], prefix === '' ? '*' : `${prefix}.*`); return;
      case 'optional': case 'default': case 'nullable': case 'prefault': case 'nonoptional': visit(def['innerType'], prefix); return;
      case 'pipe': visit(def['in'], prefix); return;
      case 'union': for (const o of def['options'] as unknown[]) visit(o, prefix); return;
      default:
    }
  };
  visit(schema, '');
  return out;
}
