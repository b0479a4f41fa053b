#!/usr/bin/env node
/**
 * The `bearer-guard` command (package.json "bin"; `npm run client --` in a clone of the repository): `token`,
 * `call <url>` and `revoke [<token>]`. Run `bearer-guard --help` for the options and exit codes.
 *
 * Results go to stdout, notices and errors to stderr (as JSON with `--json`). Argument parsing, credentials,
 * output and exit codes live in the files beside this one; this file only wires them.
 */
import { createRequire } from 'node:module';
import { parseCommandLine } from './args.js';
import { runCall } from './call-command.js';
import type { Io } from './credentials.js';
import { EXIT, ExitError, UsageError, exitCodeFor } from './exit-codes.js';
import { helpText } from './help.js';
import { formatError } from './output.js';
import { runRevoke } from './revoke-command.js';
import { runToken } from './token-command.js';

/** The package's version: package.json is two folders up, from src/cli/ as from dist/cli/. */
function packageVersion(): string {
  const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };
  return version;
}

async function main(argv: readonly string[]): Promise<number> {
  let json = argv.includes('--json');
  const io: Io = {
    env: process.env,
    stdin: process.stdin,
    stderr: process.stderr,
    notice: (message) => {
      if (!json) process.stderr.write(`note: ${message}\n`);
    },
  };
  try {
    const command = parseCommandLine(argv);
    if (command.name === 'help') {
      const text = helpText(command.topic);
      process.stdout.write(`${command.json ? JSON.stringify({ help: text }) : text}\n`);
      return EXIT.ok;
    }
    if (command.name === 'version') {
      const version = packageVersion();
      process.stdout.write(`${command.json ? JSON.stringify({ version }) : version}\n`);
      return EXIT.ok;
    }
    json = command.common.json;
    const output =
      command.name === 'token'
        ? await runToken(command, io)
        : command.name === 'call'
          ? await runCall(command, io)
          : await runRevoke(command, io);
    process.stdout.write(`${output}\n`);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ExitError && error.output !== undefined) process.stdout.write(`${error.output}\n`);
    process.stderr.write(`${formatError(error, json)}\n`);
    if (error instanceof UsageError && !json) process.stderr.write('run "bearer-guard --help" for usage\n');
    return exitCodeFor(error);
  }
}

process.exitCode = await main(process.argv.slice(2));
