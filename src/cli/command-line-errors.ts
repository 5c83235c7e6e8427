// The parser's refusals as one line each: `cubesim: <what>: <why>; see cubesim <command> --help`,
// naming the command or option meant where a word is close to one. yargs' own messages are
// several lines, or name no command, and some refusals it does not make at all (a string option
// given no value). What the parser knows (its commands, their positionals and options) is read
// from yargs' internals, which its types do not describe.
import { InputError } from '../errors.ts';
import { closestMatch } from '../schema-errors.ts';

/** A command-line error that names no file or flag: printed as `cubesim: <message>`. */
class CommandLineError extends InputError {
  constructor(message: string) {
    super('command line', undefined, message);
    this.message = message;
  }
}

/** yargs' message when no command is given; the commands are added where it is reported. */
export const NO_COMMAND = 'give a command';

/** The commands registered on the parser, in the order they were registered (as --help lists them). */
function registeredCommands(parser: unknown): string[] {
  const internal = parser as { getInternalMethods(): { getCommandInstance(): { getCommands(): string[] } } };
  return internal.getInternalMethods().getCommandInstance().getCommands();
}

/** What the parser knows of the options of the command being parsed (yargs' getOptions, not in its types). */
interface ParsedOptions {
  key: Record<string, unknown>;
  string: string[];
}

function parsedOptions(parser: unknown): ParsedOptions {
  return (parser as { getOptions(): ParsedOptions }).getOptions();
}

/** What a string option takes, for the message that refuses it given with no value. */
const OPTION_VALUES: Record<string, string> = {
  config: 'a configuration file: IOS CLI text or JSON',
  platform: 'a platform model id, e.g. isr-12.4-20T',
  listen: 'an IPv4 address:port, e.g. 127.0.0.1:5060',
  forward: 'an IPv4 address:port, e.g. 127.0.0.1:5070',
  calls: 'a whole number >= 1',
  until: 'a number of seconds > 0',
  replications: 'a whole number >= 1',
  warmup: 'a number of seconds >= 0',
  seed: 'a whole number or a word',
  set: 'path=value',
  pcap: 'a whole number of calls >= 1',
  param: 'path=v1,v2,...',
  workers: 'a whole number >= 1',
  shard: 'i/n with 1 <= i <= n, e.g. 2/4',
  a: 'a configuration file and/or path=value overrides',
  b: 'a configuration file and/or path=value overrides',
  endpoints: 'peer profile ids, comma-separated, e.g. cucm,jssip',
  call: 'a call index, a whole number >= 0',
  replication: 'a whole number >= 0',
  width: 'a whole number of columns >= 60',
};

/**
 * A string option of the command given with no value: `--platform` last or followed by another
 * option, `--platform=`, or an empty word (`--out ""`). yargs would take '' or, worse, the
 * option's default; both are refused. `strings` are the command's string options.
 */
function optionWithoutValue(
  argv: readonly string[],
  strings: ReadonlySet<string>,
): { flag: string; given: string | undefined } | undefined {
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') break;
    const m = /^--([^=]+)(?:=(.*))?$/s.exec(token);
    if (m === null || !strings.has(m[1]!)) continue;
    const inline = m[2];
    const next = argv[i + 1];
    // A following word that is an option is not a value (a negative number is).
    const value = inline ?? (next === undefined || (next.startsWith('-') && !/^-\d/.test(next)) ? undefined : next);
    if (value === undefined || value.trim() === '') return { flag: m[1]!, given: value };
  }
  return undefined;
}

/**
 * The word typed where the command goes, when yargs refused it as an unknown argument (`msg`)
 * and it is not a command: the first word of the command line that is not an option.
 */
function unknownCommand(argv: readonly string[], msg: string, commands: readonly string[]): string | undefined {
  const unknown = /^Unknown arguments?: (.*)$/s.exec(msg)?.[1]?.split(', ');
  const typed = argv.find((a) => !a.startsWith('-'));
  return typed !== undefined && unknown?.includes(typed) === true && !commands.includes(typed) ? typed : undefined;
}

/**
 * The positional names of each registered command ("run <experiment>" gives experiment), which
 * are no options. Read before parsing: inside a command the parser no longer lists them.
 */
export function positionalsByCommand(parser: unknown): Map<string, string[]> {
  const internal = parser as {
    getInternalMethods(): {
      getCommandInstance(): { getCommandHandlers(): Record<string, { original?: string } | undefined> };
    };
  };
  const handlers = internal.getInternalMethods().getCommandInstance().getCommandHandlers();
  return new Map(
    Object.entries(handlers).map(([name, h]) => [
      name,
      [...(h?.original ?? '').matchAll(/[<[]([^\]>.]+)(?:\.\.)?[\]>]/g)].map((m) => m[1]!),
    ]),
  );
}

/** Whether the letters of `typed` come in `word` in the same order ("ladr" in "ladder"). */
function abbreviates(typed: string, word: string): boolean {
  let i = 0;
  for (const ch of word) if (ch === typed[i]) i++;
  return i === typed.length;
}

/** The option an unknown word was meant to be: the closest by edit distance, else the only one it abbreviates. */
function guessOption(word: string, options: readonly string[]): string | undefined {
  const typed = word.replace(/^-+/, '').toLowerCase();
  const close = closestMatch(typed, options);
  if (close !== undefined) return close;
  const abbreviated = typed.length >= 3 ? options.filter((o) => abbreviates(typed, o)) : [];
  return abbreviated.length === 1 ? abbreviated[0] : undefined;
}

/**
 * For "Unknown argument(s): ladr": the option of the command being parsed that each unknown
 * word is closest to, as " (did you mean --ladder?)"; '' when none is close.
 */
function optionGuess(msg: string, parser: unknown, positionalNames: readonly string[]): string {
  const unknown = /^Unknown arguments?: (.*)$/.exec(msg)?.[1]?.split(', ');
  if (unknown === undefined) return '';
  const positionals = new Set(positionalNames);
  const options = Object.keys(parsedOptions(parser).key).filter(
    (k) => k !== 'version' && !/[A-Z]/.test(k) && !positionals.has(k),
  );
  const guesses = unknown.flatMap((u) => {
    const g = guessOption(u, options);
    return g === undefined ? [] : [{ u, g }];
  });
  if (guesses.length === 0) return '';
  if (unknown.length === 1) return ` (did you mean --${guesses[0]!.g}?)`;
  return ` (did you mean ${guesses.map(({ u, g }) => `--${g} for ${u}`).join(', ')}?)`;
}

/** The first word of the command line that is not an option: the command, as typed. */
function typedCommand(argv: readonly string[]): string {
  return argv.find((x) => !x.startsWith('-')) ?? '';
}

/** Middleware: refuses a string option of the command given with no value (see optionWithoutValue). */
export function refuseOptionWithoutValue(argv: readonly string[], parser: unknown): void {
  const missing = optionWithoutValue(argv, new Set(parsedOptions(parser).string));
  if (missing === undefined) return;
  const command = typedCommand(argv);
  const allowed =
    missing.flag === 'out'
      ? command === 'trace'
        ? 'a file name, e.g. call3.pcap'
        : 'a folder name, e.g. results/mine'
      : (OPTION_VALUES[missing.flag] ?? 'a value after the option');
  const got = missing.given === undefined ? 'got no value' : `got ${JSON.stringify(missing.given)}`;
  throw new InputError(`--${missing.flag}`, undefined, `${got}; allowed: ${allowed}`);
}

/**
 * The one-line error for yargs' failure message `msg`. `positionals` are those of each command,
 * read before parsing (positionalsByCommand).
 */
export function failureError(
  msg: string,
  argv: readonly string[],
  parser: unknown,
  positionals: ReadonlyMap<string, string[]>,
): InputError {
  // Inside a command the parser no longer lists the commands: the names read before parsing stand in.
  const commands = registeredCommands(parser).length > 0 ? registeredCommands(parser) : [...positionals.keys()];
  if (msg === NO_COMMAND)
    return new InputError('command line', undefined, `${NO_COMMAND}: ${commands.join(', ')}; see cubesim --help`);
  const command = typedCommand(argv);
  // Below RFC 4028's 90 s (§4, §5) only for watching a call in real time, and the trace that predicts it.
  if (/^Unknown arguments?: .*\ballow-short-session-expires\b/s.test(msg)) {
    return new InputError(
      '--allow-short-session-expires',
      undefined,
      `not taken by ${command}; allowed only with emulate and trace: session intervals below the RFC 4028 minimum of 90 s are for watching one call in real time, never for results`,
    );
  }
  const typed = unknownCommand(argv, msg, commands);
  if (typed !== undefined) {
    const guess = closestMatch(typed, commands);
    return new CommandLineError(
      `unknown command ${JSON.stringify(typed)}${guess === undefined ? '' : ` (did you mean ${JSON.stringify(guess)}?)`}; commands: ${commands.join(', ')}`,
    );
  }
  // yargs writes some messages over several lines ("Invalid values:\n  Argument: ..."): one line here.
  const line = msg.replace(/\s*\n\s*/g, ' ').trim();
  // Within a command, its own --help lists what it takes.
  const help = commands.includes(command) ? `cubesim ${command} --help` : 'cubesim --help';
  if (/^Not enough non-option arguments/.test(line) && commands.includes(command)) {
    return new CommandLineError(
      `${command} needs ${(positionals.get(command) ?? []).map((n) => `<${n}>`).join(' ')}; see ${help}`,
    );
  }
  const missingOptions = /^Missing required arguments?: (.*)$/.exec(line)?.[1];
  if (missingOptions !== undefined && commands.includes(command)) {
    return new CommandLineError(
      `${command} needs ${missingOptions
        .split(', ')
        .map((o) => `--${o}`)
        .join(' and ')}; see ${help}`,
    );
  }
  return new InputError(
    'command line',
    undefined,
    `${line}${optionGuess(line, parser, positionals.get(command) ?? [])}; see ${help}`,
  );
}
