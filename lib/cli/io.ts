/** What a command writes to and where it runs, so tests and the binary share the code. */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs, ParseArgsConfig } from 'util';

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly cwd: string;
  /** Output goes to a terminal (progress lines). @default false */
  readonly isTTY?: boolean;
}

/** A mistake on the command line: exit code 2 with the command's usage line. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `node:util` parseArgs, with its errors as {@link UsageError}. */
export function parse<T extends ParseArgsConfig['options']>(argv: readonly string[], options: T): { values: Record<string, unknown>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
    return { values: values as Record<string, unknown>, positionals };
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}

/** One of `allowed`, or a usage error naming the option. */
export function choice<T extends string>(value: unknown, option: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) throw new UsageError(`${option} '${String(value)}' is not ${allowed.join(' or ')}`);
  return value as T;
}

/** A file argument that exists and is a file, or a usage error. */
export function existingFile(io: Io, file: string): string {
  const full = path.resolve(io.cwd, file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(full);
  } catch (e) {
    throw new UsageError(`cannot read '${file}': ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (!stat.isFile()) throw new UsageError(`'${file}' is not a file`);
  return full;
}
