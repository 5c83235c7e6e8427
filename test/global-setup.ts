// One temporary folder for the whole test run: every test, and every cubesim or tool process a
// test starts, writes its scratch files under it (TMPDIR), and it is removed when the run ends,
// so that a full `npm test` leaves nothing behind in the machine's temporary folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// A plain JavaScript build script: its types are in scripts/build-cli.d.mts.
import { buildCli } from '../scripts/build-cli.mjs';

export default async function setup(): Promise<() => void> {
  // The tests run the command as a user does, compiled: build it from the sources first.
  await buildCli();
  const dir = mkdtempSync(join(tmpdir(), 'cubesim-tests-'));
  process.env['TMPDIR'] = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
