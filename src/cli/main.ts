/**
 * The client CLI: `npm run client -- token`, `npm run client -- call <url>` and `npm run client -- revoke <token>`.
 * Run `npm run client -- --help` for the options and exit codes.
 *
 * Argument parsing, credentials, output and exit codes live in ./client/; this file only wires them.
 */
import { parseCommandLine } from './client/args.js';
import { runCall } from './client/call-command.js';
import type { Io } from './client/credentials.js';
import { EXIT, ExitError, UsageError, exitCodeFor } from './client/exit-codes.js';
import { helpText } from './client/help.js';
import { formatError } from './client/output.js';
import { runRevoke } from './client/revoke-command.js';
import { runToken } from './client/token-command.js';

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
      process.stdout.write(`${helpText(command.topic)}\n`);
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
    if (error instanceof UsageError && !json) process.stderr.write('run "npm run client -- --help" for usage\n');
    return exitCodeFor(error);
  }
}

process.exitCode = await main(process.argv.slice(2));
