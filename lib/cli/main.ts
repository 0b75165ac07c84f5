#!/usr/bin/env node
/**
 * multiregion: validate, explain and compare the deployment configuration
 * file (docs/config.md), and price synthesized output.
 *
 *   multiregion validate multiregion.yaml
 *   multiregion plan multiregion.yaml [--format json] [--out cdk.out]
 *   multiregion synth multiregion.yaml [--out DIR]
 *   multiregion diff old.yaml new.yaml
 *   multiregion cost [cdk.out]
 *
 * Exit codes: 0 no problem, 1 problems found, 2 usage error (usage.ts).
 */
import { costCommand, diffCommand, planCommand, schemaCommand, validateCommand } from './commands';
import { synthCommand } from './synth';
import { Io, UsageError } from './io';
import { HELP, MAIN_HELP } from './usage';

const COMMANDS: Readonly<Record<string, (argv: readonly string[], io: Io) => number>> = {
  validate: validateCommand,
  plan: planCommand,
  synth: synthCommand,
  diff: diffCommand,
  cost: costCommand,
  schema: schemaCommand,
};

/** Runs the command line (without `node` and the script); returns the exit code. */
export function main(argv: readonly string[], io: Io): number {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    (command === undefined ? io.err : io.out)(MAIN_HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    io.out(`${(require('../../package.json') as { version: string }).version}\n`);
    return 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.err(`multiregion: '${command}' is not a command\n\n${MAIN_HELP}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(HELP[command]);
    return 0;
  }
  try {
    return run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`multiregion ${command}: ${e.message}\n${HELP[command].split('\n')[0]}\n(multiregion ${command} --help for more)\n`);
      return 2;
    }
    if ((e as Error).name === 'MultiRegionConfigError') {
      io.err(`${(e as Error).message}\n`);
      return 1;
    }
    throw e;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    isTTY: process.stderr.isTTY === true,
  });
}
