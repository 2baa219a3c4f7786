/**
 * Runs one file (migration or prelude) on a session and reports what happened, or throws:
 * InputError when the file is not plain SQL (meta-commands, templates), ReplayFailedError when the
 * server rejects a statement, EngineUnavailableError when the connection is lost.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { TransactionMode } from '../discover/types.js';
import { EngineUnavailableError, InputError } from '../errors.js';
import { ReplayFailedError, type ReplayFailure } from './errors.js';
import { LineIndex, SourceProblem, advanceCodePoints } from './location.js';
import { planFile, type Step } from './plan.js';
import { isServerError, type NoticeSink, type ServerMessage, type Session } from './session.js';
import { splitSql, type Statement } from './split.js';
import { classifyStatement, type StatementTraits } from './statement-kind.js';
import { identity, renderTemplates, type RenderedText, type TemplateMode } from './templates.js';
import type { ReplayNote, ReplayNotice, ReplayedFile } from './types.js';

export interface FileSource {
  phase: 'prelude' | 'migration';
  /** Path for results and progress (relative to the set root for migrations). */
  path: string;
  absPath: string;
  sql: string;
  /** 1-based line of the file where `sql` starts. */
  startLine: number;
  mode: TransactionMode;
  version?: string;
  /** SQL run right after the file succeeded, on the same session (ReplayOptions.fileEpilogue). */
  epilogue?: string;
}

/** What a file's epilogue returned: its rows, or the error it raised (the file itself succeeded). */
export type EpilogueOutcome = { rows: (string | null)[][] } | { error: ServerMessage | Error };

export interface RunContext {
  session: Session;
  serverMajor: number;
  vars: Record<string, string>;
  templates: TemplateMode;
  /** Files finished so far, handed to ReplayFailedError. */
  completed: ReplayedFile[];
  /** ReplayOptions.commitEvery. */
  commitEvery?: number | undefined;
}

/**
 * What a folded transactional file is wrapped in. The newline ends a trailing line comment; an
 * empty statement (`;;`) is skipped by the server. A deferred constraint failing at COMMIT is
 * blamed on the file's last statement, as when COMMIT went alone.
 */
const FOLD_OPEN = 'BEGIN;';
const FOLD_CLOSE = '\n;COMMIT';

/** The file's text as sent, with the way back to positions in the file on disk. */
class SourceMap {
  readonly lines: LineIndex;
  constructor(
    readonly file: FileSource,
    readonly rendered: RenderedText,
  ) {
    this.lines = new LineIndex(file.sql);
  }
  /** File line/column (1-based) of an offset in the rendered text. */
  locate(renderedIndex: number): { line: number; column: number; sourceLine: string } {
    const at = this.lines.locate(this.rendered.toSource(renderedIndex));
    return { line: at.line + this.file.startLine - 1, column: at.column, sourceLine: this.lines.lineText(at.line) };
  }
}

export async function runFile(file: FileSource, ctx: RunContext): Promise<{ done: ReplayedFile; epilogue?: EpilogueOutcome }> {
  const started = performance.now();
  // Preludes are the platform's own SQL, never templates.
  const rendered = file.phase === 'migration' ? prepare(file, () => renderTemplates(file.sql, ctx.vars, ctx.templates)) : identity(file.sql);
  const map = new SourceMap(file, rendered);
  const { statements } = prepare(file, () => splitSql(rendered.text, { standardConformingStrings: ctx.session.standardConformingStrings }), rendered);
  const traits = statements.map((s) => classifyStatement(s.words, s.text, ctx.serverMajor));
  const refused = traits.findIndex((t) => t.refused);
  if (refused !== -1) {
    const at = map.locate((statements[refused] as Statement).start);
    const shown = displayPath(file.absPath);
    throw new InputError(`${shown}:${at.line}:${at.column}: refused: ${traits[refused]?.refused}`, [
      'pgsquash replays as superuser and never sends statements that reach beyond the throwaway database; nothing of this file ran.',
      'Remove the statement from the migration (run it outside the migrations if it is needed).',
    ], { file: shown, line: at.line, column: at.column });
  }
  const plan = planFile(file.mode, traits);
  const notices: ReplayNotice[] = [];
  const notes: ReplayNote[] = [];
  if (rendered.used.length > 0) {
    notes.push({ code: 'templates-rendered', message: `rendered Go template values: ${rendered.used.join(', ')}` });
  }
  if (plan.forcedAutocommitBy !== undefined) {
    const blocker = plan.forcedAutocommitBy;
    const at = map.locate((statements[blocker] as Statement).start);
    notes.push({
      code: 'ran-outside-transaction',
      line: at.line,
      message: `${traits[blocker]?.nonTransactional} (line ${at.line}) cannot run inside a transaction: ran the file in autocommit, statement by statement`,
    });
  }
  const superuser = traits.findIndex((t) => t.grantsSuperuser);
  if (superuser !== -1 && file.phase === 'migration') {
    const line = map.locate((statements[superuser] as Statement).start).line;
    notes.push({ code: 'superuser-role', line, message: 'creates or alters a role with SUPERUSER: allowed in the throwaway cluster, but check it is meant' });
  }
  const copyOut = traits.findIndex((t) => t.copy === 'out');
  if (copyOut !== -1) {
    notes.push({ code: 'copy-out-discarded', line: map.locate((statements[copyOut] as Statement).start).line, message: 'COPY ... TO STDOUT output was discarded' });
  }

  const { session } = ctx;
  let roundTrips = 0;
  const lastStep: Step = { first: statements.length - 1, last: statements.length - 1 };
  const fail = async (error: ServerMessage | Error, step: Step, completed: number): Promise<never> => {
    if (!isServerError(error)) throw lostConnection(file, error);
    if (session.txStatus !== 'I') await session.run('ROLLBACK');
    throw new ReplayFailedError(describeFailure(file, error, step, completed, statements, traits, map, plan.executed), [...ctx.completed]);
  };
  const wrap = plan.wrapInTransaction && statements.length > 0;
  // When nothing in the file steers the transaction or waits for COPY data, BEGIN, the file and
  // COMMIT go out as one message: one round trip instead of three. A query string that starts
  // with BEGIN runs as an explicit transaction block and stops at the first error, as before.
  const folded = wrap && plan.steps.length === 1 && traits.every((t) => !t.transactionControl && t.copy !== 'in');
  const steps = folded && ctx.commitEvery ? everyN(statements.length, ctx.commitEvery) : plan.steps;
  if (wrap && !folded) {
    roundTrips++;
    const outcome = await session.run('BEGIN');
    if (outcome.error) await fail(outcome.error, { first: 0, last: 0 }, 0);
  }
  let epilogue: EpilogueOutcome | undefined;
  // A folded file carries its epilogue after the COMMIT, in the same message: it costs no round
  // trip, and an error after that COMMIT is the epilogue's (the file is committed).
  const epilogueAfter = folded && steps.length === 1 && file.epilogue !== undefined ? `;${file.epilogue}` : '';
  for (const planned of steps) {
    const step: Step = folded ? { ...planned, lead: FOLD_OPEN.length } : planned;
    const first = statements[step.first] as Statement;
    const last = statements[step.last] as Statement;
    const text = rendered.text.slice(first.start, last.end);
    const copy = last.copyData ? rendered.text.slice(last.copyData.start, last.copyData.end) : undefined;
    roundTrips++;
    const sink: NoticeSink = (notice, completed) => void notices.push(toNotice(notice, step, completed, statements, map));
    const outcome = folded
      ? await session.run(`${FOLD_OPEN}${text}${FOLD_CLOSE}${epilogueAfter}`, copy, sink, epilogueAfter ? { after: 'COMMIT' } : undefined)
      : await session.run(text, copy, sink);
    if (outcome.captured) epilogue = outcome.error ? { error: outcome.error } : { rows: outcome.captured };
    else if (outcome.error) await fail(outcome.error, step, outcome.completed);
  }
  if (wrap && !folded && session.txStatus === 'T') {
    // Deferred constraints and triggers fire here; blame the file's last statement.
    roundTrips++;
    const outcome = await session.run('COMMIT');
    if (outcome.error) await fail(outcome.error, lastStep, 0);
  }
  if (file.epilogue !== undefined && !epilogue) {
    const outcome = await session.run(file.epilogue, undefined, undefined, {});
    epilogue = outcome.error ? { error: outcome.error } : { rows: outcome.captured ?? [] };
  }
  const done: ReplayedFile = {
    phase: file.phase,
    path: file.path,
    absPath: file.absPath,
    ...(file.version !== undefined ? { version: file.version } : {}),
    mode: file.mode,
    executed: plan.executed,
    statements: statements.length,
    roundTrips,
    durationMs: performance.now() - started,
    notices,
    notes,
  };
  return epilogue ? { done, epilogue } : { done };
}

/** Steps of `n` statements (the last one shorter). */
function everyN(count: number, n: number): Step[] {
  const steps: Step[] = [];
  for (let first = 0; first < count; first += n) steps.push({ first, last: Math.min(first + n, count) - 1 });
  return steps;
}

/** Runs a text transformation, turning a SourceProblem into an InputError at the file's line:column. */
function prepare<T>(file: FileSource, work: () => T, rendered?: RenderedText): T {
  try {
    return work();
  } catch (error) {
    if (!(error instanceof SourceProblem)) throw error;
    const map = new SourceMap(file, rendered ?? identity(file.sql));
    const at = map.locate(error.index);
    const shown = displayPath(file.absPath);
    throw new InputError(`${shown}:${at.line}:${at.column}: ${error.message}`, [error.hint], {
      file: shown,
      line: at.line,
      column: at.column,
    });
  }
}

export function displayPath(absPath: string): string {
  return path.relative(process.cwd(), absPath) || absPath;
}

/** The statement a message from the server belongs to, and the offset it points at. */
function pinpoint(
  message: ServerMessage,
  step: Step,
  completed: number,
  statements: Statement[],
  rendered: string,
): { index: number; offset: number } {
  const first = statements[step.first] as Statement;
  const sent = rendered.slice(first.start, (statements[step.last] as Statement).end);
  // A folded file's message starts with BEGIN: one more command completed, `lead` more characters.
  const lead = step.lead ?? 0;
  const position = message.position ? Number(message.position) - lead : 0;
  if (position > 0 && position <= sent.length) {
    const offset = first.start + advanceCodePoints(sent, 0, position - 1);
    let index = step.first;
    while (index < step.last && (statements[index + 1] as Statement).start <= offset) index++;
    return { index, offset };
  }
  const index = Math.min(step.first + Math.max(completed - (lead > 0 ? 1 : 0), 0), step.last);
  const statement = statements[index] as Statement;
  return { index, offset: contextOffset(message, statement, rendered) ?? statement.start };
}

/**
 * Errors without a position can still point inside the statement: a PL/pgSQL error in a DO
 * block names the body line, and a COPY error names the data line.
 */
function contextOffset(message: ServerMessage, statement: Statement, rendered: string): number | undefined {
  const where = message.where ?? '';
  const copyLine = /^COPY [^,]+, line (\d+)/.exec(where);
  if (copyLine && statement.copyData) return lineOffset(rendered, statement.copyData.start, Number(copyLine[1]));
  const doLine = /PL\/pgSQL function inline_code_block line (\d+)/.exec(where);
  if (doLine && statement.words[0] === 'do') {
    const delimiter = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$|'/.exec(statement.text);
    if (!delimiter) return undefined;
    const bodyStart = statement.start + delimiter.index + delimiter[0].length;
    const lineStart = lineOffset(rendered, bodyStart, Number(doLine[1]));
    let at = lineStart;
    while (at < statement.end && (rendered[at] === ' ' || rendered[at] === '\t')) at++;
    return at;
  }
  return undefined;
}

/** Offset of the `line`-th line (1-based) counting from `from`. */
function lineOffset(text: string, from: number, line: number): number {
  let at = from;
  for (let k = 1; k < line; k++) {
    const eol = text.indexOf('\n', at);
    if (eol === -1) return at;
    at = eol + 1;
  }
  return at;
}

function toNotice(message: ServerMessage, step: Step, completed: number, statements: Statement[], map: SourceMap): ReplayNotice {
  const { index, offset } = pinpoint(message, step, completed, statements, map.rendered.text);
  const at = map.locate(offset);
  return {
    severity: message.severity ?? 'NOTICE',
    code: message.code ?? '',
    message: message.message ?? '',
    ...(message.detail ? { detail: message.detail } : {}),
    ...(message.hint ? { hint: message.hint } : {}),
    statementIndex: index,
    line: at.line,
    column: at.column,
  };
}

function describeFailure(
  file: FileSource,
  error: ServerMessage,
  step: Step,
  completed: number,
  statements: Statement[],
  traits: StatementTraits[],
  map: SourceMap,
  executed: string,
): ReplayFailure {
  const { index, offset } = pinpoint(error, step, completed, statements, map.rendered.text);
  const at = map.locate(offset);
  const statement = statements[index] as Statement;
  const advice = adviceFor(error, traits[index], executed);
  return {
    phase: file.phase,
    file: displayPath(file.absPath),
    absPath: file.absPath,
    line: at.line,
    column: at.column,
    severity: error.severity ?? 'ERROR',
    sqlstate: error.code ?? '',
    message: error.message ?? '',
    ...(error.detail ? { detail: error.detail } : {}),
    ...(error.hint ? { hint: error.hint } : {}),
    ...(error.where ? { context: error.where } : {}),
    statement: statement.text,
    statementIndex: index,
    sourceLine: at.sourceLine,
    ...(advice ? { advice } : {}),
  };
}

function adviceFor(error: ServerMessage, traits: StatementTraits | undefined, executed: string): string | undefined {
  if (error.code === '55P04') {
    return 'the file uses an enum value added in the same transaction; if your runner ran it outside a transaction, mark the file so (e.g. dbmate transaction:false, diesel run_in_transaction = false)';
  }
  if (error.code === '25001' && executed === 'script') {
    return 'the runner sends this file as one script, which the server runs as one implicit transaction; move the statement to a migration of its own';
  }
  if (error.code === '25001' && traits?.nonTransactional) {
    return 'this statement cannot run inside the transaction the file opens itself (explicit BEGIN)';
  }
  if (error.code === '42601' && /at or near "\{"/.test(error.message ?? '')) {
    return 'the file may hold template placeholders; pgsquash renders Go templates with --var NAME=VALUE';
  }
  return undefined;
}

function lostConnection(file: FileSource, error: Error): EngineUnavailableError {
  return new EngineUnavailableError(`lost the connection to the server while running ${displayPath(file.absPath)}: ${error.message}`, [
    'The server stopped or crashed; check its log and free memory, then run again.',
  ], { cause: error });
}
