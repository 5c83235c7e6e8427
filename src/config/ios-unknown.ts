// What to say about a line whose command the current mode does not know: where the command
// belongs when another mode knows it, else the closest form this mode knows, else every form it
// allows.

import { closestMatch, editDistance } from '../schema-errors.ts';
import { COMMANDS, findCommand } from './ios-grammar.ts';
import { modeLabel, MODE_PLACE, type Frame, type ModeKind } from './ios-modes.ts';
import { PER_DIAL_PEER_REFUSAL } from './refusals.ts';

/** The message for `text` (its command `words`, lower case, without `no`) typed in `frame`'s mode. */
export function unknownCommandMessage(frame: Frame, text: string, words: readonly string[]): string {
  const here = `unknown command "${text}" in ${modeLabel(frame)} mode`;
  // Known somewhere else? Then say where it goes rather than guessing a spelling.
  // Plain midcall-signaling is known in dial-peer mode only to be refused there (see
  // midcallUnderDialPeer): never point to it; name the voice-class form where one exists.
  const lower = words.map((w) => w.toLowerCase());
  const midcall = lower[0] === 'midcall-signaling';
  // The dial-peer form of passthru is refused too: the feature is global only.
  const voiceClassPassthru =
    lower.slice(0, 3).join(' ') === 'voice-class sip midcall-signaling' && lower.slice(3).join(' ') === 'passthru';
  if (voiceClassPassthru) return `${here}; ${PER_DIAL_PEER_REFUSAL}; the form here is "midcall-signaling passthru"`;
  const homes = (Object.keys(COMMANDS) as ModeKind[]).filter(
    (kind) => kind !== frame.kind && findCommand(kind, words) !== undefined && !(midcall && kind === 'dial-peer-voip'),
  );
  if (homes.length > 0) {
    const where = homes.map((k) => MODE_PLACE[k]).join(' or ');
    let hint = '';
    if (words[0] === 'session' && words[1] === 'refresh' && frame.kind === 'dial-peer-voip') {
      hint = '; per dial-peer use "voice-class sip session refresh"';
    }
    const form = words.slice(1).join(' ').toLowerCase();
    if (midcall && (form === 'block' || form === 'passthru media-change')) {
      hint = `; per dial-peer the form is "voice-class sip midcall-signaling ${form}"`;
    }
    return `${here}; it belongs under ${where}${hint}`;
  }
  const shown = COMMANDS[frame.kind].flatMap((c) => c.shown);
  // Compare each known form with as many typed words as the form has.
  const typedWords = text.split(/\s+/);
  const negated = typedWords[0]?.toLowerCase() === 'no';
  const plain = negated ? typedWords.slice(1) : typedWords;
  let best: { suggestion: string; distance: number } | undefined;
  for (const form of shown) {
    // Only the keywords before the first placeholder can be compared with what was typed.
    const formWords = form.split(' ');
    const firstPlaceholder = formWords.findIndex((w) => w.startsWith('<') || w === '...');
    const fixed = firstPlaceholder < 0 ? formWords : formWords.slice(0, firstPlaceholder);
    const typedHead = plain.slice(0, fixed.length).join(' ');
    const fixedText = fixed.join(' ');
    if (closestMatch(typedHead, [fixedText]) === undefined) continue;
    const distance = editDistance(typedHead.toLowerCase(), fixedText);
    if (best === undefined || distance < best.distance) {
      const rest = plain.slice(fixed.length);
      best = { suggestion: [...(negated ? ['no'] : []), fixedText, ...rest].join(' '), distance };
    }
  }
  if (best !== undefined) return `${here}; did you mean "${best.suggestion}"?`;
  return `${here}; allowed here: ${shown.join(', ')}`;
}
