// Every command example in README.md and docs/*.md ("$ cubesim ..." in a fenced block, its output
// below it) is run as written and its output compared with the text, so that the documentation
// cannot drift from the tool. Allowed to differ: the results folder a command names (the test
// writes into a temporary one). Nothing else.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

interface Example {
  file: string;
  line: number;
  args: string[];
  output: string[];
}

/** Words of a command line as a POSIX shell splits them (single and double quotes, backslash). */
function shellWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      word += text.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; text[j] !== '"'; j++) word += text[j] === '\\' ? text[++j] : text[j];
      i = j;
      inWord = true;
    } else if (c === '\\') {
      word += text[++i] ?? '';
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

function examplesOf(file: string): Example[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: Example[] = [];
  let inFence = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.startsWith('```')) {
      inFence = !inFence;
      continue;
    }
    if (!inFence || !l.startsWith('$ cubesim ')) continue;
    const start = i;
    let command = l.slice(2);
    while (command.endsWith('\\')) command = `${command.slice(0, -1)} ${lines[++i]!.trim()}`;
    const output: string[] = [];
    while (i + 1 < lines.length && !lines[i + 1]!.startsWith('```') && !lines[i + 1]!.startsWith('$ '))
      output.push(lines[++i]!);
    while (output.length > 0 && output[output.length - 1] === '') output.pop();
    out.push({ file, line: start + 1, args: shellWords(command).slice(1), output });
  }
  return out;
}

const FILES = [
  'README.md',
  ...readdirSync('docs')
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const EXAMPLES = FILES.flatMap(examplesOf);
const scratch = mkdtempSync(join(tmpdir(), 'cubesim-readme-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const RESULTS = /^(\s+results in\s+).*$/;
const normal = (lines: string[]) => lines.map((l) => l.replace(RESULTS, '$1<folder>'));

describe('the command examples of the documentation', () => {
  it('are there to check', () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(8);
  });

  it.each(EXAMPLES.map((e, n) => ({ ...e, n, name: `${e.file}:${e.line} cubesim ${e.args.join(' ').slice(0, 60)}` })))(
    '$name',
    ({ args, output, n }) => {
      const writes = ['run', 'sweep', 'compare'].includes(args[0]!) && !args.includes('--out');
      const full = writes ? [...args, '--out', join(scratch, `example-${n}`)] : args;
      const r = spawnSync(process.execPath, [join(process.cwd(), 'bin/cubesim.mjs'), ...full, '--progress', 'none'], {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      });
      expect(r.stderr).toBe('');
      expect(normal(r.stdout.replace(/\n+$/, '').split('\n'))).toEqual(normal(output));
    },
  );
});
