import type pg from 'pg';
import type { Database } from '../engine/types.js';
import type { TransactionMode } from '../discover/types.js';
import type { HistoryTableKind } from './history.js';
import type { TemplateMode } from './templates.js';
import type { EpilogueOutcome } from './run-file.js';

export interface ReplayOptions {
  /**
   * SQL files that stand in for what the platform provides before any migration runs (roles,
   * schemas, extensions, database settings). They run as the engine's superuser, statement by
   * statement in autocommit, without `settings`, `role` or templates. The migrations then run in a
   * new session, so `ALTER DATABASE ... SET` / `ALTER ROLE ... SET` made here apply to them.
   */
  preludes?: string[];
  /**
   * Session settings for the migrations (`--set NAME=VALUE`), given at connection start like
   * `PGOPTIONS='-c NAME=VALUE'`: they override database/role defaults and survive `RESET ALL`.
   */
  settings?: Record<string, string>;
  /**
   * Run the migrations as this role (`--role NAME`): the session starts with `role` set, i.e.
   * `SET ROLE NAME`, so objects are owned by it and privileges are checked against it, while the
   * login (session_user) stays the engine's superuser. No password is needed or changed.
   */
  role?: string;
  /** Values for Go-template placeholders (`--var NAME=VALUE`): `{{ index .Options "NAME" }}`. */
  vars?: Record<string, string>;
  /** `auto` (default) renders files that contain Go template actions; `off` sends files as written. */
  templates?: TemplateMode;
  /** Create the migration runner's own bookkeeping table first, for migrations that alter it (see history.ts). */
  historyTable?: HistoryTableKind;
  /**
   * Called once the preludes (and the history table) are in place and before the first
   * migration, e.g. to snapshot the catalog "after preludes". `client` is the migration session
   * (role and settings applied); open a neutral one with `db.connect()` to introspect.
   */
  onPreludesDone?: (phase: { db: Database; client: pg.Client }) => Promise<void>;
  /**
   * Called after each migration file completed, before the next one starts, e.g. to record what
   * the file changed (provenance). `client` is the migration session; `index` is 0-based.
   */
  onFileDone?: (info: { file: ReplayedFile; index: number; client: pg.Client; epilogue?: EpilogueOutcome }) => Promise<void>;
  /**
   * SQL to run on the migration session right after migration `index` succeeded, for per-file
   * bookkeeping (provenance). A file sent as one message carries it in that message, after its
   * COMMIT (no extra round trip); other files send it on its own. Its rows, or the error it
   * raised, reach `onFileDone` as `epilogue`; its failure is not the file's.
   */
  fileEpilogue?: (index: number) => string | undefined;
  onProgress?: (event: ReplayProgress) => void;
  /**
   * Commit every this many statements in a transactional file that holds no transaction control
   * or COPY, instead of once at its end. For applying one huge file whose atomicity does not
   * matter (verification applies the baseline): one transaction of ~20,000 DDL statements cost
   * 1.7x the CPU of the same statements committed every 1,000. A failure still names its line.
   */
  commitEvery?: number;
}

export interface ReplayProgress {
  phase: 'prelude' | 'migration';
  /** 1-based position among the files of this phase. */
  index: number;
  total: number;
  /** Path as shown to people (relative to the migration set root, or the prelude path as given). */
  path: string;
  status: 'start' | 'done';
  /** Milliseconds since the replay started. */
  elapsedMs: number;
}

/** How a file was actually sent. */
export type ExecutionMode = 'transaction' | 'autocommit' | 'script';

export interface ReplayNotice {
  severity: string;
  /** SQLSTATE, e.g. 42P07 for "already exists, skipping". */
  code: string;
  message: string;
  detail?: string;
  hint?: string;
  /** 0-based index of the statement among the file's statements. */
  statementIndex: number;
  line: number;
  column: number;
}

export interface ReplayNote {
  code: 'ran-outside-transaction' | 'templates-rendered' | 'history-table-created' | 'copy-out-discarded' | 'superuser-role';
  message: string;
  line?: number;
}

export interface ReplayedFile {
  phase: 'prelude' | 'migration';
  /** As in `Migration.path` for migrations; the path as given for preludes. */
  path: string;
  absPath: string;
  version?: string;
  /** The framework's mode (from discovery) and how the file was sent. */
  mode: TransactionMode;
  executed: ExecutionMode;
  statements: number;
  /** Round trips to the server for this file (batched statements share one). */
  roundTrips: number;
  durationMs: number;
  notices: ReplayNotice[];
  notes: ReplayNote[];
}

export interface ReplayResult {
  serverVersionNum: number;
  preludes: ReplayedFile[];
  files: ReplayedFile[];
  historyTable?: HistoryTableKind;
  durationMs: number;
}
