import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { addsToExtension, introspect, snapshot, type Catalog, type CatalogSnapshot } from '../catalog/index.js';
import type { Migration, MigrationSet } from '../discover/types.js';
import { emitBaseline } from '../emit/index.js';
import { describeEngine, REPLAY_DATABASE, type Database, type Engine } from '../engine/index.js';
import type { ReplayOptions, ReplayResult } from '../replay/index.js';
import { compareCatalogs, type Difference } from '../verify/index.js';
import { VERSION } from '../version.js';
import { annotateBaseline } from '../report/annotate.js';
import { buildReport, type Report } from '../report/build.js';
import { ReportRecorder } from '../report/recorder.js';
import type { PipelineOptions } from './options.js';
import { replayExplained } from './replay-directory.js';
import { scriptMembersOf } from './script-members.js';
import { inputDigest, prepareRun, resolveEngineOptions, startEngine, type PreparedRun } from './prepare.js';

export interface BaselineOptions extends PipelineOptions {
  /** Leave out the reference-data section. */
  schemaOnly?: boolean;
  /** Emit OWNER TO lines. */
  owners?: boolean;
  /** Skip applying the baseline to a fresh database and comparing (not recommended). */
  verify?: boolean;
  /** Shown as the baseline's path in messages about it (it is not written here). */
  outputPath?: string;
  /** Rewrites the emitted text before it is verified (tests inject a difference with it). */
  editBaseline?: (sql: string) => string;
  /** Record provenance during the replay and build the consolidation report. */
  report?: boolean;
  /** A `-- from: 011_x.sql, 012_y.sql` line above each object (implies recording provenance). */
  annotate?: boolean;
}

/** Wall-clock phases; they add up to `totalMs`. */
export interface PhaseTimings {
  /** Discovery and engine start. */
  engineStartMs: number;
  /** Creating the scratch database, the preludes and the migrations. */
  replayMs: number;
  /** The catalog snapshot taken after the preludes (introspection work, inside the replay's span). */
  snapshotMs: number;
  /** Reading the catalog after the migrations, and dropping the scratch database. */
  introspectMs: number;
  emitMs: number;
  verifyMs: number;
  totalMs: number;
}

export interface BaselineResult {
  set: MigrationSet;
  prepared: PreparedRun;
  engine: string;
  sql: string;
  catalog: Catalog;
  replay: ReplayResult;
  /** Empty when verified equal; null when verification was skipped. */
  differences: Difference[] | null;
  /** Present when asked with `report` or `annotate`. */
  report?: Report;
  stats: { objects: number; objectsByKind: Record<string, number>; dataTables: number; dataRows: number; lines: number };
  timings: PhaseTimings;
}

/**
 * `pgsquash baseline`: replay the set, read what the migrations made, emit the baseline, then
 * (unless told not to) prove it: apply it to a fresh database after the same preludes and compare
 * the two catalogs object by object. Writes nothing; the caller decides what to do with `sql`.
 */
export async function buildBaseline(dir: string, options: BaselineOptions = {}): Promise<BaselineResult> {
  const t0 = performance.now();
  const prepared = await prepareRun(dir, options);
  const engine = await startEngine(prepared, options);
  try {
    return await baselineOn(engine, prepared, options, t0);
  } finally {
    await engine.close();
  }
}

export async function baselineOn(engine: Engine, prepared: PreparedRun, options: BaselineOptions, t0 = performance.now()): Promise<BaselineResult> {
  const tEngine = performance.now();
  const includeData = !options.schemaOnly;
  const recorder = options.report || options.annotate ? new ReportRecorder(prepared.set) : undefined;
  const shownPath = options.outputPath ?? 'baseline.sql';
  // The verification database gets its history table and snapshot while the replay's catalog is
  // read. Not with preludes: run again during that read, they could touch roles it reads.
  let early: PendingApply | undefined;
  const prepareEarly = options.verify !== false && engine.kind !== 'pglite' && (prepared.replay.preludes ?? []).length === 0;
  try {
    let replayed: Replayed;
    try {
      const startEarly = () => void (early = startApply(engine, prepared.replay, includeData, shownPath));
      replayed = await replayAndIntrospect(engine, prepared.set, { ...prepared.replay, ...recorder?.hooks() }, includeData, prepareEarly ? { onReplayed: startEarly } : {});
    } finally {
      await recorder?.close();
    }
    const tIntrospected = performance.now();
    const emitted = emitBaseline(
      replayed.catalog,
      { pgsquashVersion: VERSION, postgresMajor: engine.major, sourceFiles: prepared.set.migrations.length, inputDigest: inputDigest(prepared.set) },
      { ...(options.schemaOnly ? { schemaOnly: true } : {}), ...(options.owners ? { owners: true, superuser: engine.superuser } : {}) },
    );
    const recorded = recorder?.result();
    const annotated = options.annotate && recorded ? annotateBaseline(emitted, replayed.catalog, recorded.provenance) : emitted;
    const sql = options.editBaseline ? options.editBaseline(annotated) : annotated;
    const tEmitted = performance.now();
    let differences: Difference[] | null = null;
    if (options.verify !== false) {
      const ready: PendingApply | undefined = early;
      differences = await onCleanCluster(engine, replayed.catalog, prepared, options, async (target) => {
        const applied = ready && target === engine ? ready.apply(sql) : applyBaseline(target, sql, prepared.replay, includeData, shownPath);
        return compareCatalogs(replayed.catalog, await applied, { ...(options.owners ? { owners: true } : {}) });
      });
    }
    const tVerified = performance.now();
    const objectsByKind: Record<string, number> = {};
    for (const o of replayed.catalog.objects) objectsByKind[o.kind] = (objectsByKind[o.kind] ?? 0) + 1;
    const data = replayed.catalog.data ?? [];
    return {
      set: prepared.set,
      prepared,
      engine: describeEngine(engine),
      sql,
      catalog: replayed.catalog,
      replay: replayed.result,
      differences,
      ...(recorded && options.report
        ? {
            report: buildReport({
              set: prepared.set,
              replay: replayed.result,
              catalog: replayed.catalog,
              recorded,
              timings: { replayMs: replayed.replayMs, introspectMs: replayed.introspectMs, totalMs: performance.now() - t0 },
            }),
          }
        : {}),
      stats: {
        objects: replayed.catalog.objects.length,
        objectsByKind: Object.fromEntries(Object.entries(objectsByKind).sort(([a], [b]) => a.localeCompare(b))),
        dataTables: data.length,
        dataRows: data.reduce((n, t) => n + t.rows.length, 0),
        lines: sql.split('\n').length - 1,
      },
      timings: {
        engineStartMs: tEngine - t0,
        replayMs: replayed.replayMs,
        snapshotMs: replayed.snapshotMs,
        introspectMs: replayed.introspectMs,
        emitMs: tEmitted - tIntrospected,
        verifyMs: tVerified - tEmitted,
        totalMs: tVerified - t0,
      },
    };
  } finally {
    await early?.abandon();
  }
}

/** Kinds that live in the cluster, not in one database: a replay leaves them behind for the next database. */
const clusterKinds = new Set<string>(['role']);

export function hasClusterObjects(catalog: Catalog): boolean {
  return catalog.objects.some((o) => clusterKinds.has(o.kind));
}

/**
 * Runs `fn` where the cluster holds none of what the replay left behind. Roles the migrations
 * created or altered survive the replay's database, so a baseline applied on the same cluster
 * would find them already there and prove nothing about its own role statements: such catalogs
 * are verified on a second, fresh engine. The url engine cannot get a fresh cluster; there, role
 * differences are set aside with a warning.
 */
export async function onCleanCluster(
  engine: Engine,
  catalog: Catalog,
  prepared: PreparedRun,
  options: PipelineOptions,
  fn: (target: Engine) => Promise<Difference[]>,
): Promise<Difference[]> {
  if (!hasClusterObjects(catalog)) return fn(engine);
  if (engine.kind === 'url') {
    options.log?.('warning: roles are cluster-wide and this server already has them from the replay: they are not verified on --engine url');
    return (await fn(engine)).filter((d) => !clusterKinds.has(d.kind));
  }
  const fresh = await startEngine(prepared, { ...options, log: () => {} }, await resolveEngineOptions(prepared, { ...options, log: () => {} }));
  try {
    return await fn(fresh);
  } finally {
    await fresh.close();
  }
}

export interface Replayed {
  catalog: Catalog;
  result: ReplayResult;
  /** From creating the database to the last migration, without the snapshot. */
  replayMs: number;
  snapshotMs: number;
  /** Introspection and dropping the database. */
  introspectMs: number;
}

/** How a replay is read back. */
export interface ReadOptions {
  /** Called between the replay and the read. */
  onReplayed?: () => void;
  /**
   * Read members an extension's script does not make as objects of their own (catalog/adopted.ts);
   * default true. Off where the other side of a comparison cannot (a live database, read-only).
   */
  adoptMembers?: boolean;
}

/** Replays into a fresh database, snapshotting after the preludes, then reads the delta. */
export async function replayAndIntrospect(engine: Engine, set: MigrationSet, options: ReplayOptions, includeData: boolean, read: ReadOptions = {}): Promise<Replayed> {
  const t0 = performance.now();
  let snapshotMs = 0;
  let t1 = t0;
  let replayed: Omit<Replayed, 'introspectMs'>;
  const db = await engine.createDatabase(REPLAY_DATABASE);
  try {
    let before: CatalogSnapshot | undefined;
    const result = await replayExplained(set, db, {
      ...options,
      onPreludesDone: async (phase) => {
        const s0 = performance.now();
        before = await withClient(phase.db, snapshot);
        snapshotMs = performance.now() - s0;
        await options.onPreludesDone?.(phase);
      },
    });
    t1 = performance.now();
    read.onReplayed?.();
    const scriptMembers = read.adoptMembers === false ? undefined : scriptMembersOf(engine);
    const adopting = scriptMembers ? { scriptMembers, addedToExtensions: set.migrations.some((m) => addsToExtension(m.sql)) } : {};
    const catalog = await withClient(db, (client) => introspect(client, { ...(before ? { before } : {}), includeData, ...adopting }));
    replayed = { catalog, result, replayMs: t1 - t0 - snapshotMs, snapshotMs };
  } finally {
    await db.drop();
  }
  return { ...replayed, introspectMs: performance.now() - t1 };
}

/**
 * Applies `sql` to a fresh database that ran the same preludes, and reads it back. The baseline
 * goes through the replay stage as one transactional file, so a failure points at its line.
 */
export function applyBaseline(engine: Engine, sql: string, options: ReplayOptions, includeData: boolean, shownPath: string, read: ReadOptions = {}): Promise<Catalog> {
  return startApply(engine, options, includeData, shownPath, read).apply(sql);
}

/** A verification database being made ready before the baseline text exists. */
interface PendingApply {
  /** Hands over the baseline; resolves with the catalog read back. */
  apply(sql: string): Promise<Catalog>;
  /** Gives up on it if no baseline was handed over (the database is dropped); waits until it is settled. */
  abandon(): Promise<void>;
}

/**
 * Starts `applyBaseline` without the text: the database, the preludes, the history table and the
 * snapshot go ahead; the replay then waits (in its after-preludes hook, before the file list is
 * read) for the baseline to be handed over.
 */
function startApply(engine: Engine, options: ReplayOptions, includeData: boolean, shownPath: string, read: ReadOptions = {}): PendingApply {
  let hand!: (sql: string) => void;
  let refuse!: (reason: Error) => void;
  const text = new Promise<string>((resolve, reject) => ((hand = resolve), (refuse = reject)));
  // Refused before the replay waits for it: not an unhandled rejection.
  text.catch(() => undefined);
  const set: MigrationSet = { root: process.cwd(), format: 'numbered', formatReason: 'the baseline', migrations: [], diagnostics: [], ignored: [] };
  // The baseline stands in for the migrations, so it runs as they did: same settings, same role,
  // and beside the runner's own history table, which migrations may alter.
  const preludesOnly: ReplayOptions = {
    ...(options.preludes ? { preludes: options.preludes } : {}),
    ...(options.settings ? { settings: options.settings } : {}),
    ...(options.role ? { role: options.role } : {}),
    ...(options.historyTable ? { historyTable: options.historyTable } : {}),
    // Verification needs the statements, not one transaction around them (see commitEvery).
    commitEvery: 1000,
  };
  const baseline = (sql: string): Migration => ({ version: '0', name: 'baseline', path: shownPath, absPath: shownPath, sql, startLine: 1, transaction: 'transaction', format: 'numbered', sha256: '' });
  const catalog = replayAndIntrospect(engine, set, { ...preludesOnly, onPreludesDone: async () => void set.migrations.push(baseline(await text)) }, includeData, read).then((r) => r.catalog);
  // Observed by `apply`, or settled and ignored by `abandon`.
  catalog.catch(() => undefined);
  return {
    apply(sql) {
      hand(sql);
      return catalog;
    },
    async abandon() {
      refuse(new Error('verification not needed'));
      await catalog.catch(() => undefined);
    },
  };
}

async function withClient<T>(db: Database, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
