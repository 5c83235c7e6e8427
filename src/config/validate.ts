// Release gates: a configuration may only use the commands its platform's release has. The
// platform model lists them (release.commands); this file only adds, for the error message, the
// releases where each command first appeared (domain-facts §3.1), so the engineer knows what
// to upgrade to.

import { InputError } from '../errors.ts';
import type { Platform } from './platform.ts';
import type { BorderElementConfig, GatedCommand, SourceRef } from './types.ts';

/** Values of `release.train` in the platform models. */
type Train = 'IOS T' | 'IOS XE';

interface FirstRelease {
  release: string;
  train: Train;
}

/**
 * First releases per command and train, from domain-facts §3.1 (sources C1, C3, C4, C5, C6, C9).
 * 12.4(15)XZ is a special release of the 12.4T family and is listed with the T train. An empty
 * list means domain-facts §3.1 records no release for the command.
 */
export const INTRODUCED_IN: Record<GatedCommand, readonly FirstRelease[]> = {
  // Prerequisite of Session Refresh with Reinvites (C1); domain-facts §3.1 gives no first release.
  'allow-connections': [],
  'midcall-signaling passthru': [
    { release: '12.4(15)XZ', train: 'IOS T' },
    { release: '12.4(20)T', train: 'IOS T' },
    { release: 'IOS XE 2.5', train: 'IOS XE' },
  ],
  'midcall-signaling passthru media-change': [
    { release: '15.2(1)T', train: 'IOS T' },
    { release: 'IOS XE 3.6S', train: 'IOS XE' },
  ],
  'midcall-signaling block': [
    { release: '15.2(1)T', train: 'IOS T' },
    { release: 'IOS XE 3.6S', train: 'IOS XE' },
  ],
  'min-se': [
    { release: '12.2(11)T', train: 'IOS T' },
    { release: 'IOS XE 2.5', train: 'IOS XE' },
  ],
  'min-se session-expires': [{ release: '15.1(2)T', train: 'IOS T' }],
  'session refresh': [{ release: '15.1(2)T', train: 'IOS T' }],
  'options-ping': [{ release: '12.4(11)T', train: 'IOS T' }],
  'voice-class sip session refresh': [{ release: '15.1(2)T', train: 'IOS T' }],
  'voice-class sip midcall-signaling': [
    { release: '15.2(1)T', train: 'IOS T' },
    { release: 'IOS XE 3.6S', train: 'IOS XE' },
  ],
};

/** "it was introduced in ..." for the platform's train when known, else every release known. */
export function introducedIn(command: GatedCommand, train: string): string {
  const all = INTRODUCED_IN[command];
  if (all.length === 0) return 'the release that introduced it is not recorded (domain-facts §3.1)';
  const sameTrain = all.filter((r) => r.train === train);
  if (sameTrain.length > 0) return `it was introduced in ${sameTrain.map((r) => r.release).join(' / ')}`;
  return `it was introduced in ${all.map((r) => r.release).join(' / ')}; no ${train} release is recorded`;
}

function whereOf(at: SourceRef): string | undefined {
  if (at.line !== undefined) return `line ${at.line}`;
  if (at.path !== undefined) return `field ${at.path}`;
  return undefined;
}

/**
 * Throws an InputError for the first use (in source order) of a command that the platform's
 * release does not have.
 */
export function checkAgainstPlatform(config: BorderElementConfig, platform: Platform, file: string): void {
  const available = new Set<string>(platform.release.commands);
  for (const use of config.uses) {
    if (available.has(use.command)) continue;
    throw new InputError(
      file,
      whereOf(use.at),
      `"${use.command}" is not available in ${platform.name} (release ${platform.release.id}); ` +
        introducedIn(use.command, platform.release.train),
    );
  }
}
