// The one output helper of the CLI: where a command writes (stdout, stderr), which reporter prints its
// result (text, json, markdown, …), and the exit code its action sets. Commands get a Cli instead of
// reaching for process.stdout or process.exitCode, so a test drives them with two strings.

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** What a command's action gets besides its options: the writers and the exit code of the run. */
export interface Cli extends Io {
  /** 0 ok, 1 findings or a failed run; usage errors (2) are thrown, never set here. */
  exitCode: 0 | 1;
}

export const processIo: Io = {
  out: (s) => void process.stdout.write(s),
  err: (s) => void process.stderr.write(s),
};

export function cliOf(io: Io): Cli {
  return { out: io.out, err: io.err, exitCode: 0 };
}

/** Report formats of optimize, analyze and why; the reporters themselves load with the command. */
export const FORMATS = ['text', 'json', 'markdown'] as const;
/** Table formats of batch. */
export const BATCH_FORMATS = ['text', 'markdown', 'csv', 'json'] as const;

type Reporter<T> = (value: T) => string;

export const toJson = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** The format asked for: --json wins over --format; text otherwise. */
export function formatOf(o: { json?: boolean; format?: string }): string {
  return o.json ? 'json' : (o.format ?? 'text');
}

/**
 * Prints value with the reporter the options ask for. json defaults to indented JSON; a format the
 * command has no reporter for is a broken invariant (its --format choices come from the same names).
 */
export function print<T>(cli: Cli, o: { json?: boolean; format?: string }, value: T, reporters: Record<string, Reporter<T>>): void {
  const name = formatOf(o);
  const reporter = reporters[name] ?? (name === 'json' ? toJson : undefined);
  if (!reporter) throw new Error(`no ${name} reporter (have ${Object.keys(reporters).join(', ')})`);
  cli.out(reporter(value));
}

/** Progress lines on stderr, none with --quiet. */
export function progress(cli: Cli, o: { quiet?: boolean }): ((line: string) => void) | undefined {
  return o.quiet ? undefined : (line) => cli.err(`${line}\n`);
}
