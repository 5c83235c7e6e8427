// Every evidence key cited in the tree (C6, F4, U17, A.12, Q3, anchors D, domain-facts §3.1, the
// feature document) points into research notes kept outside the repository; docs/facts.md restates
// each of them under a stable anchor. This test finds the citations and checks that each one has
// its anchor there, so that a reader of the repository can always follow a citation.
//
// Only comments and string literals of TypeScript/JavaScript files are read (through the
// TypeScript parser), so identifiers, numbers and regular expressions in code are never taken for
// citations; only the string values (and keys) of JSON files, with their escapes decoded (the
// models write § as \u00a7); and only the `!` comment lines of IOS configuration files.
// No key is skipped by an allow-list.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const FACTS = join(root, 'docs', 'facts.md');

/** The folders whose files may cite the notes. */
const SCANNED_DIRS = ['src', 'models', 'experiments', 'scripts', 'emulation', 'notebooks', 'test'];

/** Not scanned: this file, which holds the patterns and sample keys on purpose. */
const SELF = relative(root, fileURLToPath(import.meta.url));

/**
 * One alternative per citation form, each matching a whole token:
 * - `domain-facts §3.1` (also `domain-facts.md §3.1`), followed perhaps by more sections of the
 *   same sheet in one list, `domain-facts §1.4 U17, §1.12`; a bare `§3.1` elsewhere is an RFC
 *   clause as often as not, so it is only taken inside such a list;
 * - `anchors D`, `anchors.md D`, `anchors.md table D`: a lettered part of the anchors note (a letter
 *   followed by a digit or `.` is a numbered key and is matched below instead);
 * - `A.12`: a numbered part of the anchors note. Other letters with a dot are left alone, since
 *   `E.164` and `G.711` are not citations;
 * - `U17`, `Q3`, `C6`, `B1`, `F4`: rows of the fact sheet and failure modes of the anchors note.
 *   `\b` on both sides keeps `0xF1`, `maxB1` or `F16a` out;
 * - the feature document (Cisco's Session Refresh with Reinvites).
 */
const CITATION =
  /domain-facts(?:\.md)? (§[0-9]+(?:\.[0-9]+)*(?:(?: [BCQU][0-9]+)?(?:, | and )§[0-9]+(?:\.[0-9]+)*)*)|\banchors(?:\.md)?(?: table)? ([A-G])\b(?![.0-9])|\bA\.([0-9]+)\b|\b([BCFQU][0-9]+)\b|\b(feature document)\b/g;

/** The citation keys in one piece of text, in canonical form ("domain-facts §3.1", "A.12", "anchors D", "F4", "feature document"). */
function citationsIn(text: string): { index: number; key: string }[] {
  const found: { index: number; key: string }[] = [];
  for (const m of text.matchAll(CITATION)) {
    const at = m.index;
    if (m[1] !== undefined) {
      // A list after "domain-facts": its sections, and any row key written between them.
      for (const s of m[1].matchAll(/§([0-9]+(?:\.[0-9]+)*)|\b([BCQU][0-9]+)\b/g)) {
        found.push({ index: at, key: s[1] !== undefined ? `domain-facts §${s[1]}` : s[2]! });
      }
    } else if (m[2] !== undefined) found.push({ index: at, key: `anchors ${m[2]}` });
    else if (m[3] !== undefined) found.push({ index: at, key: `A.${m[3]}` });
    else if (m[4] !== undefined) found.push({ index: at, key: m[4] });
    else if (m[5] !== undefined) found.push({ index: at, key: 'feature document' });
  }
  return found;
}

/** The docs/facts.md anchor of a citation key: a pure function of the key (scheme at the top of docs/facts.md). */
function anchorFor(key: string): string {
  let m = /^domain-facts §([0-9]+(?:\.[0-9]+)*)$/.exec(key);
  if (m) return `domain-facts-${m[1]!.replaceAll('.', '-')}`;
  m = /^A\.([0-9]+)$/.exec(key);
  if (m) return `a-${m[1]!}`;
  m = /^anchors ([A-G])$/.exec(key);
  if (m) return `anchors-${m[1]!.toLowerCase()}`;
  if (/^[BCFQU][0-9]+$/.test(key)) return key.toLowerCase();
  if (key === 'feature document') return 'feature-document';
  throw new Error(`not a citation key: ${key}`);
}

/** The explicit anchors of a Markdown text, in order, duplicates kept. */
function anchorsIn(markdown: string): string[] {
  return [...markdown.matchAll(/<a\s+id="([^"]*)"\s*>/g)].map((m) => m[1]!);
}

function filesUnder(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    // Hidden entries are build output, e.g. scripts/.bench-run.bundle.mjs (an esbuild bundle of
    // src/, whose comments are stale copies of the sources); node_modules and dist are not ours.
    if (name.startsWith('.') || name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) filesUnder(path, out);
    else out.push(path);
  }
  return out;
}

const SCRIPT_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs']);

/**
 * A part of a file that may hold citations, from offset `start`. With `oneLine`, `text` is the
 * decoded value of a literal written on one line, and every citation in it is on that line.
 */
interface Part {
  start: number;
  text: string;
  oneLine?: boolean;
}

function citableParts(path: string, text: string): Part[] {
  const ext = extname(path);
  if (ext === '.json') {
    const parts: Part[] = [];
    for (const m of text.matchAll(/"(?:[^"\\\n]|\\.)*"/g))
      parts.push({ start: m.index, text: JSON.parse(m[0]) as string, oneLine: true });
    return parts;
  }
  if (ext === '.ios') {
    const parts: Part[] = [];
    let start = 0;
    for (const line of text.split('\n')) {
      if (line.trimStart().startsWith('!')) parts.push({ start, text: line });
      start += line.length + 1;
    }
    return parts;
  }
  if (!SCRIPT_EXTENSIONS.has(ext)) return [];
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const parts = new Map<number, Part>();
  const comments = (ranges: readonly ts.CommentRange[] | undefined) => {
    for (const r of ranges ?? []) parts.set(r.pos, { start: r.pos, text: text.slice(r.pos, r.end) });
  };
  const visit = (node: ts.Node): void => {
    // Every comment is trivia in front of (or trailing) some token; JSDoc nodes are comments
    // already seen as such, so they are not descended into.
    if (node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode) return;
    comments(ts.getLeadingCommentRanges(text, node.pos));
    comments(ts.getTrailingCommentRanges(text, node.end));
    if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) {
      // The decoded value when the literal is on one line; a template literal over several lines
      // is read as written, so that each citation gets its own line.
      const start = node.getStart(sf);
      const raw = node.getText(sf);
      parts.set(start, raw.includes('\n') ? { start, text: raw } : { start, text: node.text, oneLine: true });
    }
    for (const child of node.getChildren(sf)) visit(child);
  };
  visit(sf);
  return [...parts.values()];
}

interface Citation {
  file: string;
  line: number;
  key: string;
}

function citationsUnder(dirs: readonly string[]): Citation[] {
  const out: Citation[] = [];
  for (const dir of dirs) {
    for (const path of filesUnder(join(root, dir))) {
      const file = relative(root, path);
      if (file === SELF) continue;
      const text = readFileSync(path, 'utf8');
      const lineStarts = [0];
      for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
      const lineOf = (offset: number): number => {
        let lo = 0;
        let hi = lineStarts.length - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if (lineStarts[mid]! <= offset) lo = mid;
          else hi = mid - 1;
        }
        return lo + 1;
      };
      for (const part of citableParts(path, text)) {
        for (const c of citationsIn(part.text)) {
          out.push({ file, line: lineOf(part.oneLine ? part.start : part.start + c.index), key: c.key });
        }
      }
    }
  }
  return out;
}

describe('the citation patterns', () => {
  it('map each form of key to its anchor', () => {
    expect(anchorFor('domain-facts §3.1')).toBe('domain-facts-3-1');
    expect(anchorFor('domain-facts §1')).toBe('domain-facts-1');
    expect(anchorFor('A.12')).toBe('a-12');
    expect(anchorFor('anchors D')).toBe('anchors-d');
    expect(anchorFor('U17')).toBe('u17');
    expect(anchorFor('C15')).toBe('c15');
    expect(anchorFor('F4')).toBe('f4');
    expect(anchorFor('feature document')).toBe('feature-document');
    expect(() => anchorFor('G.711')).toThrow(/not a citation key/);
  });

  it('read every form the tree uses', () => {
    const keys = (s: string) => citationsIn(s).map((c) => c.key);
    expect(keys('(domain-facts §4.3, Q6)')).toEqual(['domain-facts §4.3', 'Q6']);
    expect(keys('(domain-facts §1.4 U17, §1.12; anchors F2/F3)')).toEqual([
      'domain-facts §1.4',
      'U17',
      'domain-facts §1.12',
      'F2',
      'F3',
    ]);
    expect(keys('anchors.md table A.13; anchors A.1 traces; (A.12)')).toEqual(['A.13', 'A.1', 'A.12']);
    expect(keys('Formula (anchors.md D): x; (anchors D)')).toEqual(['anchors D', 'anchors D']);
    expect(keys('"failureMode": "F1/F2"')).toEqual(['F1', 'F2']);
    expect(keys('Session Refresh with Reinvites feature document (C1)')).toEqual(['feature document', 'C1']);
  });

  it('leave ordinary text and code alone', () => {
    const none = [
      'RFC 4028 §9, RFC 3261 §14.1, §7.4 and §10', // RFC clauses
      'const maxB1 = 0xF1; let C1x = F16a; u17 q3', // identifiers, hex, lower case
      'SIP/2.0 422 Session Interval Too Small; 491; 12.4(15)XZ; 15.1(2)T', // status codes, releases
      'G.711 and E.164; Timer F fires at 64·T1; T1 T2 T4', // codecs, numbering plans, RFC 3261 timers
      '../shared/anchors/floor-typed.mjs; the anchors of the report', // a path and a plain word
    ];
    for (const text of none) expect(citationsIn(text), text).toEqual([]);
  });
});

describe('docs/facts.md', () => {
  const anchors = anchorsIn(readFileSync(FACTS, 'utf8'));

  it('has explicit lower-case anchors, none twice', () => {
    expect(anchors.length).toBeGreaterThan(50);
    const seen = new Set<string>();
    const duplicates = anchors.filter((a) => (seen.has(a) ? true : (seen.add(a), false)));
    expect(duplicates, 'anchors defined more than once in docs/facts.md').toEqual([]);
    expect(
      anchors.filter((a) => !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(a)),
      'anchors outside the scheme',
    ).toEqual([]);
  });

  it('has an entry for every key cited in the tree', () => {
    const known = new Set(anchors);
    const citations = citationsUnder(SCANNED_DIRS);
    // The scan must see the citations at all: a few that have long been there.
    expect(citations.length).toBeGreaterThan(150);
    expect(citations).toContainEqual(expect.objectContaining({ file: join('models', 'defects.json'), key: 'F4' }));
    expect(citations).toContainEqual(
      expect.objectContaining({ file: join('src', 'config', 'validate.ts'), key: 'domain-facts §3.1' }),
    );
    expect(citations).toContainEqual(
      expect.objectContaining({ file: join('experiments', 'configs', 'no-midcall.ios'), key: 'domain-facts §3.3' }),
    );
    const unresolved = citations
      .filter((c) => !known.has(anchorFor(c.key)))
      .map(
        (c) => `${c.file}:${c.line}: ${c.key} has no entry in docs/facts.md (expected <a id="${anchorFor(c.key)}">)`,
      );
    expect(unresolved).toEqual([]);
  });
});
