// One kind of error for everything a user can get wrong: it carries the file, the place in it
// (line or field path), and what is allowed, and prints as one line. The CLI maps it to exit 2.

export class InputError extends Error {
  readonly file: string;
  readonly where: string | undefined;

  constructor(file: string, where: string | undefined, message: string) {
    super(where === undefined ? `${file}: ${message}` : `${file}: ${where}: ${message}`);
    this.name = 'InputError';
    this.file = file;
    this.where = where;
  }
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError;
}
