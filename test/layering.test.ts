// The layering check (`npm run deps:check`, .dependency-cruiser.cjs) is only worth having if it
// fails: here it is run with the project's own rules on small trees that break them one way each
// (npm test runs it on the real src/).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DEPCRUISE = join(root, 'node_modules', '.bin', 'depcruise');
const made: string[] = [];

afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** Runs the check on a tree of files (path → text) with the project's rules; exit code and report. */
function cruise(files: Record<string, string>): { status: number | null; report: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cubesim-layering-'));
  made.push(dir);
  for (const name of ['.dependency-cruiser.cjs', 'tsconfig.json']) copyFileSync(join(root, name), join(dir, name));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const r = spawnSync(DEPCRUISE, ['src', '--config', '.dependency-cruiser.cjs'], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, report: r.stdout + r.stderr };
}

const SOUND = {
  'src/kernel/clock.ts': 'export const now = 0;\n',
  'src/sip/timer.ts': "import { now } from '../kernel/clock.ts';\nexport const due = now + 1;\n",
  'src/elements/call.ts': "import { due } from '../sip/timer.ts';\nexport const ends = due;\n",
};

describe('the layering check', () => {
  it('passes a tree that imports only downward', () => {
    const r = cruise(SOUND);
    expect(r.report).toContain('no dependency violations');
    expect(r.status).toBe(0);
  });

  it('fails when a lower floor imports a higher one, a type-only import included', () => {
    const r = cruise({
      ...SOUND,
      'src/sip/timer.ts': "import type { Ends } from '../elements/call.ts';\nexport const due: Ends = 1;\n",
      'src/elements/call.ts': 'export type Ends = number;\n',
    });
    expect(r.report).toMatch(/error layer-sip: src\/sip\/timer\.ts → src\/elements\/call\.ts/);
    expect(r.status).not.toBe(0);
  });

  it('fails when two folders of one floor import each other', () => {
    const r = cruise({
      ...SOUND,
      'src/config/ios.ts': "import { due } from '../sip/timer.ts';\nexport const x = due;\n",
    });
    expect(r.report).toMatch(/error layer-config: src\/config\/ios\.ts → src\/sip\/timer\.ts/);
    expect(r.status).not.toBe(0);
  });

  it('fails on a cycle, even inside one folder', () => {
    const r = cruise({
      ...SOUND,
      'src/sip/a.ts': "import { b } from './b.ts';\nexport const a = () => b;\n",
      'src/sip/b.ts': "import { a } from './a.ts';\nexport const b = () => a;\n",
    });
    expect(r.report).toMatch(/error no-cycles: src\/sip\/a\.ts/);
    expect(r.status).not.toBe(0);
  });

  it('fails when the model core reaches for files or processes', () => {
    const r = cruise({
      ...SOUND,
      'src/elements/call.ts': "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n",
    });
    expect(r.report).toMatch(/error core-is-pure: src\/elements\/call\.ts → (node:)?fs/);
    expect(r.status).not.toBe(0);
  });

  it('fails when something imports a folder that has no floor', () => {
    const r = cruise({
      ...SOUND,
      'src/misc/util.ts': 'export const u = 1;\n',
      'src/cli/main.ts': "import { u } from '../misc/util.ts';\nexport const m = u;\n",
    });
    expect(r.report).toMatch(/error known-floor: src\/cli\/main\.ts → src\/misc\/util\.ts/);
    expect(r.status).not.toBe(0);
  });
});
