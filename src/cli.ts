// A thin shell over the library: parse arguments, call it, pick a reporter and an exit code
// (0 done, 1 findings or a failed run, 2 usage error). Registering a command loads only commander and
// that command's option definitions (src/cli/*.ts); its action imports the library when it runs, so
// `faaslight --help` starts without Babel, esbuild, tree-sitter, archiver or the cloud SDKs.
import { Command, CommanderError } from 'commander';
import { FaaslightError } from './diagnostics.js';
import { registerBatch } from './cli/batch.js';
import { registerCompare } from './cli/compare.js';
import { registerInvoke, registerLambdaLocal } from './cli/invoke.js';
import { registerLoad } from './cli/load.js';
import { registerMeasure } from './cli/measure.js';
import { registerModel } from './cli/model.js';
import { registerAnalyze, registerOptimize, registerWhy } from './cli/optimize.js';
import { type Cli, cliOf, type Io, processIo } from './cli/output.js';
import { registerReport } from './cli/report.js';

/** In the order of the help. */
const COMMANDS: ((program: Command, cli: Cli) => void)[] = [
  registerOptimize,
  registerAnalyze,
  registerWhy,
  registerMeasure,
  registerReport,
  registerLambdaLocal,
  registerInvoke,
  registerModel,
  registerLoad,
  registerBatch,
  registerCompare,
];

export function buildProgram(io: Io): { program: Command; cli: Cli } {
  const cli = cliOf(io);
  const program = new Command('faaslight')
    .description('Make serverless functions start faster without changing what they do.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run faaslight --help for usage)');
  for (const register of COMMANDS) register(program, cli);
  return { program, cli };
}

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const { program, cli } = buildProgram(io);
  try {
    await program.parseAsync(argv);
    return cli.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander has printed the usage error (or the help) itself.
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? 0 : 2;
    }
    if (e instanceof FaaslightError) {
      io.err(`faaslight: ${e.message}\n`);
      return e.exitCode;
    }
    io.err(`faaslight: internal error: ${(e as Error)?.stack ?? e}\n`);
    return 1;
  }
}
