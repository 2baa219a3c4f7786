import { ExitCode, PgsquashError } from '../errors.js';
import { formatFailure } from './format-error.js';
import type { ReplayedFile } from './types.js';

/** Everything known about the statement that failed, as plain data. */
export interface ReplayFailure {
  phase: 'prelude' | 'migration';
  /** Path as printed: relative to the current directory. */
  file: string;
  absPath: string;
  /** 1-based, in the file on disk (dbmate up sections and templates already accounted for). */
  line: number;
  /** 1-based, in characters. */
  column: number;
  severity: string;
  sqlstate: string;
  message: string;
  detail?: string;
  hint?: string;
  /** PostgreSQL's CONTEXT (e.g. the PL/pgSQL line), when given. */
  context?: string;
  /** The failing statement as written in the file (templates rendered). */
  statement: string;
  statementIndex: number;
  /** The file's line at `line`, for the caret display. */
  sourceLine: string;
  /** pgsquash's own advice for this failure, when it has one. */
  advice?: string;
}

/** A migration (or prelude) failed on the server. Exit code 3. */
export class ReplayFailedError extends PgsquashError {
  readonly failure: ReplayFailure;
  /** Files that ran completely before the failure. */
  readonly completed: ReplayedFile[];
  constructor(failure: ReplayFailure, completed: ReplayedFile[], options?: { cause?: unknown }) {
    const [first = '', ...rest] = formatFailure(failure);
    super(first, ExitCode.replayFailed, rest, options);
    this.failure = failure;
    this.completed = completed;
  }

  /** Compiler-style text: `file:line:col: ERROR code: message`, DETAIL/HINT/CONTEXT, then the line with a caret. */
  format(): string {
    return [this.message, ...this.details].join('\n');
  }
}
