/**
 * Typed errors carry the exit code the CLI maps them to, so library code never exits or prints.
 * Exit codes: 0 ok, 1 drift or check failed, 2 usage or input error, 3 a migration failed to replay,
 * 4 engine or environment unavailable.
 */
export const ExitCode = {
  ok: 0,
  drift: 1,
  usage: 2,
  replayFailed: 3,
  engineUnavailable: 4,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Where in a user's file something happened; line and column are 1-based, counted in characters. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export class PgsquashError extends Error {
  readonly exitCode: ExitCodeValue;
  /** Extra lines for people: what to do next, the offending source line, ... */
  readonly details: string[];
  constructor(message: string, exitCode: ExitCodeValue, details: string[] = [], options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.details = details;
  }
}

/** Bad flags or arguments. */
export class UsageError extends PgsquashError {
  constructor(message: string, details: string[] = []) {
    super(message, ExitCode.usage, details);
  }
}

/** The user's files cannot be used as they are (layout, encoding, ordering, templates). */
export class InputError extends PgsquashError {
  readonly location: SourceLocation | undefined;
  constructor(message: string, details: string[] = [], location?: SourceLocation) {
    super(message, ExitCode.usage, details);
    this.location = location;
  }
}

/** No engine could be started or reached: missing binaries, no container runtime, unreachable server. */
export class EngineUnavailableError extends PgsquashError {
  constructor(message: string, details: string[] = [], options?: { cause?: unknown }) {
    super(message, ExitCode.engineUnavailable, details, options);
  }
}

/** A comparison found differences (verify, diff, check). */
export class DriftError extends PgsquashError {
  constructor(message: string, details: string[] = []) {
    super(message, ExitCode.drift, details);
  }
}
