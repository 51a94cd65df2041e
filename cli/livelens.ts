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

const commandModules: Record<string, () => Promise<{ register: RegisterCommand }>> = {
  // One line per command module (its command's name), in docs/spec.md order.
  serve: () => import('./commands/serve.ts'),
  ingest: () => import('./commands/ingest.ts'),
  orders: () => import('./commands/orders.ts'),
  report: () => import('./commands/report.ts'),
  stats: () => import('./commands/stats.ts'),
  athena: () => import('./commands/athena.ts'),
  cloudwatch: () => import('./commands/cloudwatch.ts'),
  simulate: () => import('./commands/simulate.ts'),
  demo: () => import('./commands/demo.ts'),
};

/**
 * The modules to load for these arguments: only the named command's when the first
 * argument names one (loading every command pulls in DuckDB, the AWS SDK and the
 * collector, ~2 s per start), else all of them (the overview, --version, an unknown
 * command and its suggestions).
 */
function modulesFor(argv: readonly string[]): Array<() => Promise<{ register: RegisterCommand }>> {
  const named = argv[2] === undefined ? undefined : commandModules[argv[2]];
  return named && Object.hasOwn(commandModules, argv[2]!) ? [named] : Object.values(commandModules);
}

export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('livelens')
    .description('Analytics and experimentation for shoppable live streams on Amazon IVS')
    .version(pkg.version)
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: false })
    // Each command resolves its settings once (config/settings.ts) and passes them down.
    .addOption(settingOption('logLevel'));
  for (const load of modulesFor(argv)) (await load()).register(program);
  return program;
}

const program = await buildProgram(process.argv);
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
