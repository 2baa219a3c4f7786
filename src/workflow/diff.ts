import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { introspect, snapshot, type Catalog, type CatalogSnapshot } from '../catalog/index.js';
import { upSection } from '../discover/layouts/dbmate.js';
import type { MigrationSet } from '../discover/types.js';
import { describeEngine, type Engine } from '../engine/index.js';
import { EngineUnavailableError, InputError, PgsquashError, UsageError } from '../errors.js';
import { loadPreset } from '../presets/index.js';
import { replay, type ReplayOptions } from '../replay/index.js';
import { redactError, redactUrl } from '../util/redact.js';
import { compareCatalogs, type Difference } from '../verify/index.js';
import { applyBaseline, onCleanCluster, replayAndIntrospect } from './baseline.js';
import type { PipelineOptions } from './options.js';
import { prepareRun, startEngine, type PreparedRun } from './prepare.js';

export interface DiffOptions extends PipelineOptions {
  /** The baseline file to check. */
  baseline?: string;
  /** A live database (URL) to compare with instead: read only, schema only. */
  against?: string;
  /**
   * Also compare the reference data (rows and sequence positions). Off by default: two replays
   * disagree on every `now()` or random default, which is no drift of the schema.
   */
  data?: boolean;
}

export interface DiffResult {
  /** What each side is, for labels: `migrations in db/`, `output/baseline.sql`, `postgres://…` (redacted). */
  left: string;
  right: string;
  engine: string;
  differences: Difference[];
  /** Said when the two sides ran different Postgres majors (definitions may render differently). */
  warnings: string[];
}

/**
 * `pgsquash diff`: builds two catalogs and compares them object by object. Left is the reference:
 * the replayed migrations (or, with `--against` and a baseline, the baseline); right is the
 * baseline or the live database.
 */
export async function diffBaseline(dir: string | undefined, options: DiffOptions): Promise<DiffResult> {
  if (!options.baseline && !options.against) throw new UsageError('diff needs --baseline FILE, --against URL, or both');
  if (!dir && !(options.baseline && options.against)) throw new UsageError('diff needs a migrations directory unless both --baseline and --against are given');
  const baselineSql = options.baseline ? await readBaseline(options.baseline) : undefined;
  const prepared = dir ? await prepareRun(dir, options) : preparedWithoutSet(options);
  const engine = await startEngine(prepared, options);
  try {
    const includeData = Boolean(options.data) && !options.against;
    const preludesOnly: ReplayOptions = {
      ...(prepared.replay.preludes ? { preludes: prepared.replay.preludes } : {}),
      ...(prepared.replay.settings ? { settings: prepared.replay.settings } : {}),
    };
    const warnings: string[] = [];
    // Taken first, while the cluster holds only what initdb and the preludes made.
    const before = options.against ? await snapshotAfterPreludes(engine, preludesOnly) : undefined;
    // A live database is read without writing: extension members its extensions' scripts do not
    // make cannot be taken out to be read there, so they stay their extensions' on both sides.
    const read = { adoptMembers: !options.against };
    let left: Catalog;
    let leftLabel: string;
    if (dir && !(options.against && baselineSql !== undefined)) {
      left = (await replayAndIntrospect(engine, prepared.set, prepared.replay, includeData, read)).catalog;
      leftLabel = `migrations in ${path.relative(process.cwd(), prepared.set.root) || '.'}`;
    } else {
      left = await applyBaseline(engine, baselineSql!, prepared.replay, includeData, options.baseline!, read);
      leftLabel = options.baseline!;
    }
    let differences: Difference[];
    let rightLabel: string;
    if (options.against) {
      const right = await introspectLive(options.against, before!);
      rightLabel = redactUrl(options.against);
      const liveMajor = Math.floor(right.serverVersionNum / 10000);
      if (liveMajor !== engine.major) {
        warnings.push(`${rightLabel} runs PostgreSQL ${liveMajor}, the comparison ran on ${engine.major}: pass --pg-version ${liveMajor} so definitions render alike`);
      }
      differences = compareCatalogs(left, right);
    } else {
      rightLabel = options.baseline!;
      // Roles the replay created stay in the cluster; the baseline must prove it creates them too.
      differences = await onCleanCluster(engine, left, prepared, options, async (target) =>
        compareCatalogs(left, await applyBaseline(target, baselineSql!, prepared.replay, includeData, options.baseline!)),
      );
    }
    return { left: leftLabel, right: rightLabel, engine: describeEngine(engine), differences, warnings };
  } finally {
    await engine.close();
  }
}

async function readBaseline(file: string): Promise<string> {
  try {
    const text = await readFile(file, 'utf8');
    // An in-place dbmate baseline: only its up block is the baseline (the down block refuses).
    return /^--\s*migrate:up/m.test(text) ? upSection(file, text, false).sql : text;
  } catch (error) {
    throw new InputError(`cannot read the baseline ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function preparedWithoutSet(options: PipelineOptions): PreparedRun {
  const preset = options.preset && options.preset !== 'none' ? { ...loadPreset(options.preset), reason: 'asked with --preset' } : undefined;
  const set: MigrationSet = { root: process.cwd(), format: 'numbered', formatReason: 'none', migrations: [], diagnostics: [], ignored: [] };
  return {
    set,
    preset,
    replay: {
      preludes: [...(preset?.preludes ?? []), ...(options.preludes ?? [])],
      settings: { ...(preset?.settings ?? {}), ...(options.settings ?? {}) },
    },
    stubExtensions: [...new Set([...(preset?.stubExtensions ?? []), ...(options.stubExtensions ?? [])])].sort(),
    extensionUses: [],
  };
}

/** What the platform provides before any migration: the live database's objects minus these are the schema. */
async function snapshotAfterPreludes(engine: Engine, preludesOnly: ReplayOptions): Promise<CatalogSnapshot> {
  const db = await engine.createDatabase('pgsquash_preludes');
  try {
    const empty: MigrationSet = { root: process.cwd(), format: 'numbered', formatReason: 'preludes', migrations: [], diagnostics: [], ignored: [] };
    await replay(empty, db, preludesOnly);
    const client = await db.connect();
    try {
      return await snapshot(client);
    } finally {
      await client.end();
    }
  } finally {
    await db.drop();
  }
}

/**
 * Reads a live database's schema without changing anything: the session is read-only from its
 * start (`default_transaction_read_only`), so even a mistake here cannot write to production.
 */
export async function introspectLive(url: string, before: CatalogSnapshot): Promise<Catalog> {
  const { client, password } = await openReadOnly(url);
  try {
    return await introspect(client, { before, includeData: false });
  } catch (error) {
    if (error instanceof PgsquashError) throw error;
    throw new EngineUnavailableError(`reading ${redactUrl(url)} failed: ${redactError(error, [password])}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A session on `url` that cannot write: refused unless Postgres confirms it is read-only. */
export async function openReadOnly(url: string): Promise<{ client: pg.Client; password: string | undefined }> {
  let password: string | undefined;
  try {
    password = decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    throw new UsageError('--against: not a URL (expected postgres://user:password@host:port/db)');
  }
  const client = new pg.Client({ connectionString: url, options: '-c default_transaction_read_only=on', application_name: 'pgsquash diff' });
  try {
    await client.connect();
  } catch (error) {
    throw new EngineUnavailableError(`cannot connect to ${redactUrl(url)}: ${redactError(error, [password])}`);
  }
  try {
    // The startup option can be lost to a URL that sets its own `options`; the SET cannot.
    await client.query('SET default_transaction_read_only = on');
    const { rows } = await client.query<{ ro: string }>("SELECT pg_catalog.current_setting('default_transaction_read_only') AS ro");
    if (rows[0]?.ro !== 'on') throw new EngineUnavailableError(`${redactUrl(url)} did not accept a read-only session; nothing was read`);
    return { client, password };
  } catch (error) {
    await client.end().catch(() => undefined);
    if (error instanceof PgsquashError) throw error;
    throw new EngineUnavailableError(`cannot open a read-only session on ${redactUrl(url)}: ${redactError(error, [password])}`);
  }
}
