// Reads the IOS CLI text an engineer would type (or paste from `show running-config`) into a
// BorderElementConfig. Only the commands that matter for SIP session refresh on CUBE are
// understood; a few harmless ones are accepted and dropped; anything else is an InputError that
// points at the line and says what would have been accepted there.
//
// Modes: IOS keeps a stack of configuration modes (global -> voice service voip -> sip, global ->
// dial-peer, global -> sip-ua). The stack is driven by the mode-entering commands, by `exit` /
// `end`, and by indentation: once a mode's body is indented, a line indented no deeper than the
// mode's opening line has left that mode. A mode whose body is written flat (as typed at a
// prompt) is left the IOS way: a command the mode does not know is tried in the enclosing modes.
//
// This file reads the lines and keeps the mode stack; ios-grammar.ts says which command a line
// is, ios-commands.ts what it does, ios-unknown.ts what to say when no mode knows it.

import type { BorderElementConfig, DialPeerConfig } from './types.ts';
import { IosCommands } from './ios-commands.ts';
import { findCommand } from './ios-grammar.ts';
import type { Frame, ModeKind } from './ios-modes.ts';
import { unknownCommandMessage } from './ios-unknown.ts';
import type { ConfigReadOptions } from './ranges.ts';

// Still exported from here (this module's API): the ranges and refusals the two readers share.
export {
  DIAL_PEER_TAG_RANGE,
  MIN_SE_RANGE,
  OPTIONS_PING_RANGE,
  SHORT_MIN_SE_RANGE,
  type ConfigReadOptions,
} from './ranges.ts';
export {
  ALLOW_CONNECTIONS_PREREQUISITE,
  PER_DIAL_PEER_REFUSAL,
  SHORT_SESSION_EXPIRES_HINT,
  shortIntervalHint,
} from './refusals.ts';

/** `Router>`, `Router#`, `Router(config)#`, `cube1(conf-serv-sip)# ` and the like. */
const PROMPT = /^\s*[A-Za-z][\w.-]*(\([A-Za-z0-9-]+\))?[#>]\s*/;

const CONFIGURE_TERMINAL = new Set(['configure terminal', 'conf t', 'config t', 'configure t', 'conf terminal']);

class IosParser {
  private readonly stack: Frame[] = [{ kind: 'global', indent: -1, bodyIndented: true }];
  /** Indentation of the line being read (0 when it was typed at a prompt). */
  private openerIndent = 0;
  private readonly commands: IosCommands;

  constructor(file: string, options: ConfigReadOptions = {}) {
    this.commands = new IosCommands(file, options, (kind: ModeKind, peer?: DialPeerConfig) => {
      this.stack.push({
        kind,
        indent: this.openerIndent,
        bodyIndented: undefined,
        ...(peer === undefined ? {} : { peer }),
      });
    });
  }

  private get top(): Frame {
    const frame = this.stack[this.stack.length - 1];
    if (frame === undefined) throw new Error('mode stack is empty');
    return frame;
  }

  readLine(raw: string, n: number): void {
    let body = raw.replace(/\s+$/, '');
    let indent: number | null = (/^\s*/.exec(body)?.[0] ?? '').length;
    const prompt = PROMPT.exec(body);
    if (prompt !== null) {
      body = body.slice(prompt[0].length);
      indent = null; // typed at a prompt: indentation says nothing
    }
    this.openerIndent = indent ?? 0;
    const text = body.trim();
    if (text === '' || text.startsWith('!')) return;

    if (indent !== null) this.applyIndentation(indent);
    const words = text.split(/\s+/);
    const lower = words.map((w) => w.toLowerCase());
    const joined = lower.join(' ');

    if (joined === 'exit') {
      if (this.stack.length > 1) this.stack.pop();
      return;
    }
    if (joined === 'end' || joined === 'enable' || CONFIGURE_TERMINAL.has(joined)) {
      this.stack.length = 1;
      return;
    }

    const negated = lower[0] === 'no';
    const commandWords = negated ? lower.slice(1) : lower;
    const originalWords = negated ? words.slice(1) : words;
    if (commandWords.length === 0) this.commands.fail(n, `"no" needs a command after it`);

    // Try the current mode, then (where indentation does not forbid it) the enclosing ones.
    for (let depth = this.stack.length - 1; depth >= 0; depth--) {
      const frame = this.stack[depth];
      if (frame === undefined) break;
      const found = findCommand(frame.kind, commandWords);
      if (found !== undefined) {
        this.stack.length = depth + 1;
        found.run(this.commands, {
          n,
          text,
          negated,
          command: found.keywords.join(' '),
          args: originalWords.slice(found.keywords.length),
          frame,
        });
        return;
      }
      if (!this.mayLeave(frame, indent)) break;
    }
    this.commands.fail(n, unknownCommandMessage(this.top, text, commandWords));
  }

  /** Leaves every mode whose indented body this line is not part of. */
  private applyIndentation(indent: number): void {
    for (let i = 1; i < this.stack.length; i++) {
      const frame = this.stack[i];
      if (frame !== undefined && frame.bodyIndented === true && indent <= frame.indent) {
        this.stack.length = i;
        break;
      }
    }
    const top = this.top;
    if (top.bodyIndented === undefined) top.bodyIndented = indent > top.indent;
  }

  /** A line indented inside a mode's indented body cannot fall back to an enclosing mode. */
  private mayLeave(frame: Frame, indent: number | null): boolean {
    if (frame.kind === 'global') return false;
    return !(frame.bodyIndented === true && indent !== null && indent > frame.indent);
  }

  finish(): BorderElementConfig {
    return this.commands.finish();
  }
}

/**
 * Parses IOS configuration text. `file` is only used to name the source in errors and in the
 * `at` references of the result.
 */
export function parseIosConfig(text: string, file: string, options: ConfigReadOptions = {}): BorderElementConfig {
  const parser = new IosParser(file, options);
  text.split(/\r\n|\r|\n/).forEach((raw, index) => parser.readLine(raw, index + 1));
  return parser.finish();
}
