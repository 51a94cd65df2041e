/**
 * The `livelens` command (SPEC section 5). Each subcommand lives in
 * `cli/commands/<name>.ts` and registers itself on the program; this file
 * only lists them.
 */
import { Command } from 'commander';
import { createRequire } from 'node:module';

const pkg = createRequire(import.meta.url)('../package.json') as { version: string };

/** Registers one subcommand group on the program. */
export type RegisterCommand = (program: Command) => void;

const commandModules: Array<() => Promise<{ register: RegisterCommand }>> = [
  // One line per command module, in SPEC order.
  () => import('./commands/serve.ts'),
  () => import('./commands/ingest.ts'),
  () => import('./commands/orders.ts'),
  () => import('./commands/report.ts'),
  () => import('./commands/stats.ts'),
  () => import('./commands/simulate.ts'),
  () => import('./commands/demo.ts'),
];

export async function buildProgram(): Promise<Command> {
  const program = new Command('livelens')
    .description('Analytics and experimentation for shoppable live streams on Amazon IVS')
    .version(pkg.version)
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: false });
  for (const load of commandModules) (await load()).register(program);
  return program;
}

const program = await buildProgram();
await program.parseAsync(process.argv);
