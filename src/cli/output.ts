import { EngineUnavailableError, PgsquashError, ExitCode, type ExitCodeValue } from '../errors.js';
import { interruptedBy } from '../engine/lifecycle.js';
import { redactSecrets } from '../util/redact.js';

/** Where the CLI writes: people get text on stderr/stdout, machines get one JSON document on stdout. */
export interface Output {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly tty: boolean;
  /** Results for people (stdout); suppressed in --json mode. */
  result(text: string): void;
  /** Progress and warnings for people (stderr); suppressed by --quiet and --json. */
  info(text: string): void;
  warn(text: string): void;
  /** The one JSON document of --json mode. */
  data(value: unknown): void;
}

export function createOutput(options: { json?: boolean; quiet?: boolean }): Output {
  const json = Boolean(options.json);
  const quiet = Boolean(options.quiet);
  const tty = Boolean(process.stderr.isTTY);
  return {
    json,
    quiet,
    tty,
    result(text) {
      if (!json) process.stdout.write(ensureNewline(redactSecrets(text)));
    },
    info(text) {
      if (!json && !quiet) process.stderr.write(ensureNewline(redactSecrets(text)));
    },
    warn(text) {
      if (!json) process.stderr.write(ensureNewline(redactSecrets(text)));
    },
    data(value) {
      process.stdout.write(`${redactSecrets(JSON.stringify(value, null, 2))}\n`);
    },
  };
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** Prints an error the way a user can act on it, and returns the exit code. Never a stack trace. */
export function reportError(thrown: unknown, json: boolean): ExitCodeValue {
  // Ctrl-C stops the server under a running query; its failure is no news, the signal handler
  // has said what happens and sets the exit code.
  if (interruptedBy()) return ExitCode.engineUnavailable;
  const error = lostServer(thrown) ?? thrown;
  const known = error instanceof PgsquashError;
  const exitCode = known ? error.exitCode : ExitCode.engineUnavailable;
  const formatted =
    known && typeof (error as { format?: unknown }).format === 'function'
      ? String((error as unknown as { format(): string }).format())
      : formatPlain(error, known);
  if (json) {
    const payload = {
      error: {
        type: known ? error.name : 'InternalError',
        message: error instanceof Error ? error.message : String(error),
        exitCode,
        details: known ? error.details : [],
        ...(known && 'location' in error && error.location ? { location: error.location } : {}),
        ...(known && 'data' in error ? { data: (error as { data: unknown }).data } : {}),
      },
    };
    process.stdout.write(`${redactSecrets(JSON.stringify(payload, null, 2))}\n`);
  } else {
    process.stderr.write(ensureNewline(redactSecrets(formatted)));
  }
  if (process.env.PGSQUASH_DEBUG && thrown instanceof Error && thrown.stack) {
    process.stderr.write(`${redactSecrets(thrown.stack)}\n`);
  }
  return exitCode;
}

/**
 * A driver error from a server that went away (crash, OOM killer, shutdown) can surface from any
 * query, not only the replay's: it is the engine failing (exit 4), not a bug to report.
 */
function lostServer(error: unknown): EngineUnavailableError | undefined {
  if (error instanceof PgsquashError || !(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  const lost = (typeof code === 'string' && /^(08|57P0)/.test(code)) || /^Connection terminated/.test(error.message);
  if (!lost) return undefined;
  return new EngineUnavailableError(`lost the connection to the Postgres server: ${error.message}`, [
    'The server stopped or crashed; check its log and free memory, then run again.',
  ], { cause: error });
}

function formatPlain(error: unknown, known: boolean): string {
  if (error instanceof PgsquashError) {
    return [`pgsquash: ${error.message}`, ...error.details.map((d) => `  ${d}`)].join('\n');
  }
  const message = error instanceof Error ? error.message : String(error);
  return known
    ? `pgsquash: ${message}`
    : `pgsquash: unexpected error: ${message}\n  Run again with PGSQUASH_DEBUG=1 for the stack trace, and report it.`;
}
