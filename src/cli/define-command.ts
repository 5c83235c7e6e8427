// The type of a command module, each in commands/: a yargs command definition (command, describe,
// builder, handler) whose handler's arguments are typed by the options its builder declares.
import type { CommandModule } from 'yargs';

/** Returns `module` as it is; only the type of its handler's arguments is inferred from its builder. */
export function defineCommand<U>(module: CommandModule<object, U>): CommandModule<object, U> {
  return module;
}
