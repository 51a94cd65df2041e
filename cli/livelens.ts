/**
 * The `livelens` command (docs/spec.md §5). Each subcommand lives in
 * `cli/commands/<name>.ts` and registers itself on the program; this file
 * only lists them.
 */
import { Command } from 'commander';
import { createRequire } from 'node:module';
import { resolveSetting, settingOption } from '../config/settings.ts';

const pkg = createRequire(import.meta.url)('../package.json') as { version: string };

/** Registers one subcommand group on the program. */
export type RegisterCommand = (program: Command) => void;

const commandModules: Array<() => Promise<{ register: RegisterCommand }>> = [
  // One line per command module, in docs/spec.md order.
  () => import('./commands/serve.ts'),
  () => import('./commands/ingest.ts'),
  () => import('./commands/orders.ts'),
  () => import('./commands/report.ts'),
  () => import('./commands/stats.ts'),
  () => import('./commands/athena.ts'),
  () => import('./commands/cloudwatch.ts'),
  () => import('./commands/simulate.ts'),
  () => import('./commands/demo.ts'),
];

export async function buildProgram(): Promise<Command> {
  const program = new Command('livelens')
    .description('Analytics and experimentation for shoppable live streams on Amazon IVS')
    .version(pkg.version)
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: false })
    // Each command resolves its settings once (config/settings.ts) and passes them down.
    .addOption(settingOption('logLevel'));
  for (const load of commandModules) (await load()).register(program);
  return program;
}

const program = await buildProgram();
try {
  // `livelens` alone (also `npm run livelens`): the overview, as --help, not an error.
  if (process.argv.length <= 2) program.help();
  await program.parseAsync(process.argv);
} catch (err) {
  // A clear one-line error, not a stack trace (LIVELENS_LOG_LEVEL=debug shows the stack).
  process.stderr.write(`livelens: ${err instanceof Error ? err.message : String(err)}\n`);
  if (['debug', 'trace'].includes(logLevel())) console.error(err);
  process.exitCode = 1;
}

/** The --log-level / LIVELENS_LOG_LEVEL in force ('info' when it is itself malformed: the error above says so). */
function logLevel(): string {
  try {
    return resolveSetting('logLevel', program.opts());
  } catch {
    return 'info';
  }
}
