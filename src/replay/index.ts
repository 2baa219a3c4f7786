/**
 * The replay stage: runs the preludes, then every migration of a set, in order, into a throwaway
 * database, with each framework's transaction rules; stops at the first failure.
 *
 * Sessions: the preludes share one session as the engine's superuser. The migrations share one
 * new session (as one runner connection does), which starts with `role` and `settings` applied;
 * session state a migration sets (search_path, ...) carries over to later files, as with the
 * runners, which keep one connection.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { MigrationSet } from '../discover/types.js';
import type { Database } from '../engine/types.js';
import { InputError, UsageError } from '../errors.js';
import { historyTableSql } from './history.js';
import { runFile, type FileSource, type RunContext } from './run-file.js';
import { Session, isServerError } from './session.js';
import type { ReplayOptions, ReplayResult, ReplayedFile } from './types.js';

export { ReplayFailedError, type ReplayFailure } from './errors.js';
export { historyTableKinds, type HistoryTableKind } from './history.js';
export { splitSql, type Statement, type SplitResult } from './split.js';
export type * from './types.js';

export async function replay(set: MigrationSet, db: Database, options: ReplayOptions = {}): Promise<ReplayResult> {
  const started = performance.now();
  const progress = (phase: 'prelude' | 'migration', index: number, total: number, file: string, status: 'start' | 'done') =>
    options.onProgress?.({ phase, index, total, path: file, status, elapsedMs: performance.now() - started });
  const settingsOptions = startupOptions(options.settings ?? {}, options.role);
  const preludes = await readPreludes(options.preludes ?? []);
  const completed: ReplayedFile[] = [];
  const result: ReplayResult = { serverVersionNum: 0, preludes: [], files: [], durationMs: 0 };

  const base = { vars: options.vars ?? {}, templates: options.templates ?? 'auto', completed, commitEvery: options.commitEvery } as const;
  if (preludes.length > 0) {
    const session = new Session(await db.connect());
    try {
      result.serverVersionNum = await session.describe();
      const ctx: RunContext = { ...base, session, serverMajor: Math.floor(result.serverVersionNum / 10000) };
      for (const [k, prelude] of preludes.entries()) {
        progress('prelude', k + 1, preludes.length, prelude.path, 'start');
        const { done } = await runFile(prelude, ctx);
        result.preludes.push(done);
        completed.push(done);
        progress('prelude', k + 1, preludes.length, prelude.path, 'done');
      }
    } finally {
      await session.close();
    }
  }

  const session = await openMigrationSession(db, settingsOptions, options);
  try {
    result.serverVersionNum = await session.describe();
    if (options.historyTable) {
      await createHistoryTable(session, options.historyTable);
      result.historyTable = options.historyTable;
    }
    await options.onPreludesDone?.({ db, client: session.client });
    const ctx: RunContext = { ...base, session, serverMajor: Math.floor(result.serverVersionNum / 10000) };
    const total = set.migrations.length;
    for (const [k, m] of set.migrations.entries()) {
      progress('migration', k + 1, total, m.path, 'start');
      const file: FileSource = {
        phase: 'migration',
        path: m.path,
        absPath: m.absPath,
        sql: m.sql,
        startLine: m.startLine,
        mode: m.transaction,
        version: m.version,
      };
      const epilogueSql = options.fileEpilogue?.(k);
      if (epilogueSql !== undefined) file.epilogue = epilogueSql;
      const { done, epilogue } = await runFile(file, ctx);
      result.files.push(done);
      completed.push(done);
      await options.onFileDone?.({ file: done, index: k, client: session.client, ...(epilogue ? { epilogue } : {}) });
      progress('migration', k + 1, total, m.path, 'done');
    }
  } finally {
    await session.close();
  }
  result.durationMs = performance.now() - started;
  return result;
}

async function readPreludes(paths: string[]): Promise<FileSource[]> {
  return Promise.all(
    paths.map(async (given) => {
      const absPath = path.resolve(given);
      let text: string;
      try {
        text = await readFile(absPath, 'utf8');
      } catch (error) {
        throw new InputError(`cannot read prelude ${given}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, [
          'Pass the path of an SQL file with --prelude.',
        ]);
      }
      return { phase: 'prelude', path: given, absPath, sql: text.replace(/^\uFEFF/, ''), startLine: 1, mode: 'none' } satisfies FileSource;
    }),
  );
}

const SETTING_NAME = /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/;

/** `-c name=value` startup options, as PGOPTIONS would carry them (spaces and backslashes escaped). */
export function startupOptions(settings: Record<string, string>, role: string | undefined): string {
  const escape = (value: string) => value.replace(/[\\ ]/g, (c) => `\\${c}`);
  const parts: string[] = [];
  for (const [name, value] of Object.entries(settings)) {
    if (!SETTING_NAME.test(name)) throw new UsageError(`--set ${name}: not a setting name`, ['Use NAME=VALUE, e.g. --set search_path=app,public']);
    if (name.toLowerCase() === 'role' || name.toLowerCase() === 'session_authorization') {
      throw new UsageError(`--set ${name}: use --role instead`);
    }
    parts.push(`-c ${escape(`${name}=${value}`)}`);
  }
  if (role !== undefined) parts.push(`-c ${escape(`role=${role}`)}`);
  return parts.join(' ');
}

async function openMigrationSession(db: Database, settingsOptions: string, options: ReplayOptions): Promise<Session> {
  const existing = typeof db.config.options === 'string' ? db.config.options : '';
  const combined = [existing, settingsOptions].filter(Boolean).join(' ');
  let client: pg.Client;
  try {
    client = await db.connect(combined ? { options: combined } : {});
  } catch (error) {
    if (!settingsOptions) throw error;
    throw (await diagnoseSessionOptions(db, options)) ?? error;
  }
  // Some servers (PGlite's socket) ignore startup options: set them again in the session.
  const statements = [
    ...Object.entries(options.settings ?? {}).map(([name, value]) => `SELECT set_config(${pg.escapeLiteral(name)}, ${pg.escapeLiteral(value)}, false)`),
    ...(options.role !== undefined ? [`SET ROLE ${pg.escapeIdentifier(options.role)}`] : []),
  ];
  if (statements.length > 0) await client.query(statements.join('; '));
  return new Session(client);
}

/**
 * The server refuses a bad startup option with a bare FATAL; replaying each option in a neutral
 * session names the one at fault.
 */
async function diagnoseSessionOptions(db: Database, options: ReplayOptions): Promise<InputError | undefined> {
  const probe = await db.connect();
  try {
    const checks: Array<[flag: string, sql: string, params: string[]]> = [
      ...Object.entries(options.settings ?? {}).map(([name, value]): [string, string, string[]] => [`--set ${name}`, 'SELECT set_config($1, $2, true)', [name, value]]),
      ...(options.role !== undefined ? [[`--role ${options.role}`, `SET LOCAL ROLE ${pg.escapeIdentifier(options.role)}`, []] as [string, string, string[]]] : []),
    ];
    for (const [flag, sql, params] of checks) {
      await probe.query('BEGIN');
      try {
        await probe.query(sql, params);
      } catch (error) {
        return new InputError(`${flag}: ${(error as Error).message}`, [
          'Check the name and value; a role must exist before the migrations run (create it in a prelude).',
        ]);
      } finally {
        await probe.query('ROLLBACK');
      }
    }
    return undefined;
  } finally {
    await probe.end();
  }
}

async function createHistoryTable(session: Session, kind: keyof typeof historyTableSql): Promise<void> {
  const outcome = await session.run(historyTableSql[kind]);
  if (outcome.error) {
    const message = outcome.error.message;
    if (!isServerError(outcome.error)) throw outcome.error;
    throw new InputError(`cannot create the ${kind} history table: ${message}`, [
      'The migration session (its --role and search_path) must be allowed to create it.',
    ]);
  }
}

