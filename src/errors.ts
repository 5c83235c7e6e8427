// One kind of error for everything a user can get wrong: it carries the file, the place in it
// (line or field path), and what is allowed, and prints as one line. The CLI maps it to exit 2.

export class InputError extends Error {
  readonly file: string;
  readonly where: string | undefined;
  /** What is wrong and what is allowed, without the file and the place. */
  readonly reason: string;

  constructor(file: string, where: string | undefined, reason: string) {
    super(where === undefined ? `${file}: ${reason}` : `${file}: ${where}: ${reason}`);
    this.name = 'InputError';
    this.file = file;
    this.where = where;
    this.reason = reason;
  }
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError;
}
