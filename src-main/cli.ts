// The otd command line: the same operations from a terminal (scheduled T+1 runs, scripting, the
// checks that drive the app). JSON on stdout with --json; progress and messages on stderr.
import { foundationCommands } from './cli/foundation';
import { statementCommands } from './cli/statements';
import { sandboxStatementCommands } from './cli/sandbox-statements';
import { downloadCommands } from './cli/downloads';
import { reconCommands } from './cli/recon';
import { journalCommands } from './cli/journal';
import { closeCommands } from './cli/close';
import { type Command, CliError, printError } from './cli/common';

const COMMANDS: Command[] = [
  ...foundationCommands,
  ...statementCommands,
  ...sandboxStatementCommands,
  ...downloadCommands,
  ...reconCommands,
  ...journalCommands,
  ...closeCommands,
];

function usage(): string {
  return ['usage: otd <command> [options]', '', ...COMMANDS.map((c) => `  otd ${c.name.padEnd(22)} ${c.summary}`)].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const words = argv.filter((a) => !a.startsWith('-'));
  // Longest command name that matches the leading words ("sandbox serve" before "sandbox").
  const cmd = COMMANDS.filter((c) => c.name.split(' ').every((w, i) => words[i] === w)).sort(
    (a, b) => b.name.length - a.name.length,
  )[0];
  if (!cmd || argv.includes('--help') || argv.includes('-h')) {
    process.stderr.write(usage() + '\n');
    return cmd || argv.length === 0 || argv.includes('--help') ? 0 : 2;
  }
  const rest = [...argv];
  for (const w of cmd.name.split(' ')) rest.splice(rest.indexOf(w), 1);
  try {
    return await cmd.run(rest);
  } catch (err) {
    printError(err, rest.includes('--json'));
    return err instanceof CliError ? err.exitCode : 1;
  }
}
