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

/**
 * Edit distance: insert, delete, substitute, or swap two neighbouring characters, each costing 1
 * (optimal string alignment), so that "valeu" is one edit from "value".
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * Where the first JSON syntax error in `text` is (a character offset), or undefined when there is
 * none. V8 gives no position for some errors (an unexpected token), so it is found here; shared so that
 * every reader of JSON can name the line and column.
 */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const fail = (): never => {
    throw new JsonSyntaxAt(i);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) fail();
      i++;
    }
  };
  const digits = () => {
    const start = i;
    while (i < text.length && text[i]! >= '0' && text[i]! <= '9') i++;
    if (i === start) fail();
  };
  const string = () => {
    i++;
    for (;;) {
      if (i >= text.length) fail();
      const c = text.charCodeAt(i);
      if (c === 0x22) return void i++;
      if (c < 0x20) fail();
      if (c === 0x5c) {
        i++;
        if (text[i] === 'u') {
          for (let k = 1; k <= 4; k++) {
            if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) {
              i += k;
              fail();
            }
          }
          i += 5;
        } else if (i < text.length && '"\\/bfnrt'.includes(text[i]!)) i++;
        else fail();
      } else i++;
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      if (text[i] === '-') i++;
      if (text[i] === '0') i++;
      else digits();
      if (text[i] === '.') {
        i++;
        digits();
      }
      if (text[i] === 'e' || text[i] === 'E') {
        i++;
        if (text[i] === '+' || text[i] === '-') i++;
        digits();
      }
      return;
    }
    fail();
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
    return undefined;
  } catch (e) {
    // Anything else (a nesting too deep for the stack) is placed where the scan stopped.
    return e instanceof JsonSyntaxAt ? e.offset : i;
  }
}

/** Thrown by jsonErrorOffset's scanner to stop at the first error, caught there. */
class JsonSyntaxAt extends Error {
  constructor(readonly offset: number) {
    super(`JSON syntax error at offset ${offset}`);
  }
}

/**
 * Parses JSON text; a syntax error is one InputError line naming the line and column (V8's own
 * words, without its position and without the copy of the text some of its messages carry).
 * `allowed`, when given, is added as "; allowed: ...".
 */
export function parseJsonText(text: string, file: string, allowed?: string): unknown {
  // RFC 8259 §8.1: JSON text is not to begin with a byte-order mark; some editors on Windows add one.
  if (text.charCodeAt(0) === 0xfeff) {
    throw new InputError(
      file,
      'line 1',
      'starts with a byte-order mark (U+FEFF), which JSON does not allow; allowed: the file saved as UTF-8 without a BOM',
    );
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const pos = /position (\d+)/.exec(msg);
    const offset = pos !== null ? Number(pos[1]) : jsonErrorOffset(text);
    const what = msg
      .replace(/ in JSON at position \d+.*$/s, '')
      .replace(/, (\.\.\.)?".*$/s, '')
      .replace(/\s+/g, ' ');
    const also = allowed === undefined ? '' : `; allowed: ${allowed}`;
    if (offset === undefined) throw new InputError(file, undefined, `not valid JSON: ${what}${also}`);
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    throw new InputError(file, `line ${line}`, `not valid JSON at column ${column}: ${what}${also}`);
  }
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
    case 'invalid_union': {
      // A discriminated union names the values its discriminator may take.
      const options = (issue as { options?: unknown[] }).options;
      if (Array.isArray(options) && options.length > 0) return options.map((o) => JSON.stringify(o)).join(', ');
      return issue.message.startsWith('Invalid input') ? 'one of the documented forms' : issue.message;
    }
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

/**
 * A `fields` lookup for issueToError over the map objectFields gives: records' keys are free
 * text (`endpoints.cucm`), so a path pattern also matches a map entry with `*` in their place
 * (`endpoints.*`).
 */
export function fieldsLookup(
  map: ReadonlyMap<string, readonly string[]>,
): (pattern: string) => readonly string[] | undefined {
  return (pattern) => {
    const exact = map.get(pattern);
    if (exact !== undefined) return exact;
    const parts = pattern === '' ? [] : pattern.split('.');
    for (const [key, fields] of map) {
      const keyParts = key === '' ? [] : key.split('.');
      if (keyParts.length === parts.length && keyParts.every((k, i) => k === '*' || k === parts[i])) return fields;
    }
    return undefined;
  };
}

/**
 * The issue to report: the first one, except that a missing field whose object also has an
 * unknown field gives way to the unknown field, which is most often the same field misspelt
 * (`"valeu": 30` makes `value` missing); its message then suggests the right name.
 */
export function mainIssue(issues: readonly z.core.$ZodIssue[], root: unknown): z.core.$ZodIssue | undefined {
  const first = issues[0];
  if (first === undefined || first.path.length === 0 || valueAt(root, first.path) !== undefined) return first;
  const parent = pathText(first.path.slice(0, -1));
  return issues.find((i) => i.code === 'unrecognized_keys' && pathText(i.path) === parent) ?? first;
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
        // The options of a union share a path: their fields are merged.
        out.set(prefix, [...new Set([...(out.get(prefix) ?? []), ...Object.keys(shape)])]);
        for (const [k, v] of Object.entries(shape)) visit(v, prefix === '' ? k : `${prefix}.${k}`);
        return;
      }
      case 'array':
        visit(def['element'], prefix === '' ? '*' : `${prefix}.*`);
        return;
      case 'record':
        visit(def['valueType'], prefix === '' ? '*' : `${prefix}.*`);
        return;
      case 'optional':
      case 'default':
      case 'nullable':
      case 'prefault':
      case 'nonoptional':
        visit(def['innerType'], prefix);
        return;
      case 'pipe':
        visit(def['in'], prefix);
        return;
      case 'union':
        for (const o of def['options'] as unknown[]) visit(o, prefix);
        return;
      default:
    }
  };
  visit(schema, '');
  return out;
}

/**
 * Validates `value` with `schema`; the first issue (or the unknown field behind a missing one)
 * becomes a one-line InputError. `allowed` gives hand-written texts by path pattern.
 */
export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  file: string,
  allowed?: (pattern: string) => string | undefined,
): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = mainIssue(r.error.issues, value)!;
  throw issueToError(issue, value, file, {
    fields: fieldsLookup(objectFields(schema)),
    ...(allowed !== undefined ? { allowed } : {}),
  });
}
