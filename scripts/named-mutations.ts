// The mutations of issue 14, each applied to a copy of the project and run against the named
// tests of the RFC rules (test/mutants.test.ts, test/session-timer.test.ts,
// test/transactions.test.ts; never the golden fingerprints): each must make them fail.
// Part of `npm run mutation`; exits 1 when a mutation survives.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

const ROOT = resolve(import.meta.dirname, '..');
const TESTS = ['test/mutants.test.ts', 'test/session-timer.test.ts', 'test/transactions.test.ts'];

export const MUTATIONS: ReadonlyArray<{ name: string; file: string; from: string; to: string }> = [
  {
    name: 'the non-refresher gives up at SE - 32 (the SE/3 cap dropped)',
    file: 'src/sip/session-timer.ts',
    from: 'return Math.min(32, sessionExpires / 3);',
    to: 'return 32;',
  },
  {
    name: "a 422 carries the request's Min-SE instead of the element's own",
    file: 'src/sip/session-timer.ts',
    from: "return { kind: 'reject', status: 422, minSe: floor };",
    to: "return { kind: 'reject', status: 422, minSe: offer.minSe };",
  },
  {
    name: 'Timer F is 48·T1 instead of 64·T1',
    file: 'src/sip/transaction.ts',
    from: 'this.sendFirst(E, F, 64 * host.timers.T1);',
    to: 'this.sendFirst(E, F, 48 * host.timers.T1);',
  },
  {
    name: 'the retry after several 422s takes the latest Min-SE, not the largest',
    file: 'src/sip/session-timer.ts',
    from: 'const minSe = Math.max(largestMinSe, received422MinSe);',
    to: 'const minSe = received422MinSe;',
  },
  {
    name: 'a re-INVITE sent by the non-refresher claims refresher=uac',
    file: 'src/sip/session-timer-dialog.ts',
    from: "else m.refresher = b.reading === 'transaction' ? 'uas' :",
    to: "else m.refresher = b.reading === 'transaction' ? 'uac' :",
  },
  {
    name: 'the wait for the ACK of a 2xx is 48·T1 instead of 64·T1',
    file: 'src/sip/dialog-core.ts',
    from: 'p.giveUpAt = this.sim.now + 64 * t.T1;',
    to: 'p.giveUpAt = this.sim.now + 48 * t.T1;',
  },
  {
    name: "the two sides' glare back-off windows swapped",
    file: 'src/sip/dialog-core.ts',
    from: 'const [low, high] = glareBackoffWindow(this.createdByUs);',
    to: 'const [low, high] = glareBackoffWindow(!this.createdByUs);',
  },
];

if (import.meta.url === `file://${process.argv[1]}`) {
  const work = mkdtempSync(join(tmpdir(), 'cubesim-mutations-'));
  let survived = 0;
  try {
    for (const part of [
      'src',
      'test',
      // The tests' global setup builds the command with scripts/build-cli.mjs.
      'scripts',
      'models',
      'experiments',
      'emulation',
      'package.json',
      'tsconfig.json',
      'vitest.config.ts',
      'bin',
    ])
      cpSync(join(ROOT, part), join(work, part), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'));
    for (const m of MUTATIONS) {
      const path = join(work, m.file);
      const original = readFileSync(path, 'utf8');
      if (!original.includes(m.from))
        throw new Error(`${m.file} no longer has "${m.from}": update the mutation "${m.name}"`);
      writeFileSync(path, original.replace(m.from, m.to));
      const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', ...TESTS], {
        cwd: work,
        encoding: 'utf8',
        env: { ...process.env, CUBESIM_CHECK: '1' },
      });
      writeFileSync(path, original);
      const out = stripVTControlCharacters(r.stdout + r.stderr);
      // Killed only by a named test failing, not by a crash of the copy.
      const names = [...new Set([...out.matchAll(/^\s*FAIL\s+\S+\s+>\s+(.*)$/gm)].map((x) => x[1]!.trim()))];
      const failed = r.status !== 0 && names.length > 0;
      console.log(
        `${failed ? 'killed  ' : 'SURVIVED'} ${m.name}${failed ? ` (by: ${names.slice(0, 2).join('; ')})` : ''}`,
      );
      if (!failed) survived++;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(
    survived === 0 ? `all ${MUTATIONS.length} mutations killed by the named tests` : `${survived} mutation(s) survived`,
  );
  process.exitCode = survived === 0 ? 0 : 1;
}
