/**
 * One benchmark case: the floor (one psql session + `pg_dump -s`) and `pgsquash baseline` (in a
 * child process, for its own peak RSS) on the same files, interleaved A B A B ..., plus the
 * peers that run once (migra) and, where asked, introspection against `pg_dump -s` on one database.
 */
import { execFile } from 'node:child_process';
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { introspect } from '../src/catalog/index.js';
import { discover } from '../src/discover/index.js';
import type { Engine } from '../src/engine/index.js';
import { historyTableSql } from '../src/replay/history.js';
import { startupOptions } from '../src/replay/index.js';
import { renderTemplates } from '../src/replay/templates.js';
import type { CorpusOptions } from './corpora.js';
import { migraFromEmpty, pgDumpSchema, psqlReplay, type FloorRun } from './floor.js';

const run = promisify(execFile);
const benchDir = path.dirname(fileURLToPath(import.meta.url));
export const PG15_BIN = '/usr/lib/postgresql/15/bin';

export interface CaseSpec {
  name: string;
  group: 'history' | 'wide' | 'corpus';
  dir: string;
  options: CorpusOptions;
  reps: number;
  migra?: boolean;
  /** Interleave in-process introspection with `pg_dump -s` on the floor's database, this many times. */
  headToHead?: number;
  /** Interleave plain replays with provenance-tracked ones (replay's onFileDone hook), this many times. */
  provenance?: number;
  /** Stop a provenance replay after this long (and report it as longer than that). */
  provenanceLimitMs?: number;
  /** Stop adding repetitions (keeping at least `minReps`) once the case has run this long. */
  budgetMs?: number;
  minReps?: number;
  /** What the generator says it built, for the table. */
  generated?: { tables: number; indexes: number; constraints: number };
}

export interface ChildFigures {
  /** Phases of `baseline` (they add up to totalMs); snapshotMs is absent in results from before it was timed apart. */
  timings: { engineStartMs: number; replayMs: number; snapshotMs?: number; introspectMs: number; emitMs: number; verifyMs: number; totalMs: number };
  wallMs: number;
  files: number;
  objects: number;
  dataRows: number;
  lines: number;
  bytes: number;
  differences: number | null;
  maxRssBytes: number;
}

export interface CaseResult {
  name: string;
  group: CaseSpec['group'];
  files: number;
  generated?: CaseSpec['generated'];
  floor: { replayMs: number[]; dumpMs: number[]; dumpBytes: number };
  pgsquash: ChildFigures[];
  errors: string[];
  migra?: { ms: number; bytes: number } | { error: string };
  /** introspectMs reads the data too (as `baseline` does); schemaMs reads the schema only, as pg_dump -s does. */
  headToHead?: { introspectMs: number[]; schemaMs: number[]; dumpMs: number[] };
  provenance?: { plainMs: number[]; trackedMs: number[]; trackerMs: number[]; timedOutMs?: number; skipped?: string };
  elapsedMs: number;
}

/**
 * All provenance measurements of a run share one time budget, so a slow tracker costs the run a
 * bounded time; cases it does not reach say so in the table.
 */
const MIN_PROVENANCE_MS = 15_000;
export const provenanceBudget = { totalMs: 4 * 60_000, leftMs: 4 * 60_000 };

/** The files as the replay sends them (templates rendered, runner substitutions applied). */
async function floorFiles(spec: CaseSpec): Promise<{ files: string[]; count: number }> {
  const set = await discover(spec.dir);
  const scratch = path.join(os.tmpdir(), 'pgsquash-bench', 'floor-text', spec.name.replace(/[^a-z0-9]+/gi, '-'));
  const files: string[] = [];
  for (const [k, m] of set.migrations.entries()) {
    const text = spec.options.vars ? renderTemplates(m.sql, spec.options.vars).text : m.sql;
    if (m.startLine === 1 && text === (await readFile(m.absPath, 'utf8'))) {
      files.push(m.absPath);
    } else {
      await mkdir(scratch, { recursive: true });
      const file = path.join(scratch, `${String(k).padStart(6, '0')}.sql`);
      await writeFile(file, text);
      files.push(file);
    }
  }
  return { files, count: set.migrations.length };
}

async function pgsquashChild(spec: CaseSpec): Promise<ChildFigures> {
  const options = { engine: 'embedded', pgBin: PG15_BIN, preset: 'none', ...spec.options };
  const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(benchDir, 'pgsquash-child.ts'), JSON.stringify({ dir: spec.dir, options })], {
    maxBuffer: 1 << 26,
    timeout: 30 * 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ChildFigures;
}

export async function measureCase(engine: Engine, spec: CaseSpec, log: (line: string) => void): Promise<CaseResult> {
  const started = performance.now();
  const { files, count } = await floorFiles(spec);
  const floorRun: FloorRun = {
    files,
    ...(spec.options.preludes ? { preludes: spec.options.preludes } : {}),
    ...(spec.options.historyTable ? { runnerSql: historyTableSql[spec.options.historyTable] } : {}),
    pgoptions: startupOptions(spec.options.settings ?? {}, undefined),
  };
  const result: CaseResult = { name: spec.name, group: spec.group, files: count, floor: { replayMs: [], dumpMs: [], dumpBytes: 0 }, pgsquash: [], errors: [], elapsedMs: 0 };
  if (spec.generated) result.generated = spec.generated;
  const binDir = engine.binDir ?? PG15_BIN;
  const minReps = spec.minReps ?? spec.reps;
  // A repetition is not started when it would end past the budget (judged by the previous one).
  const overBudget = (repMs: number) => spec.budgetMs !== undefined && performance.now() - started + repMs > spec.budgetMs;
  let repMs = 0;
  for (let rep = 0; rep < spec.reps; rep++) {
    if (rep >= minReps && overBudget(repMs)) break;
    const repStart = performance.now();
    // A: the floor
    const db = await engine.createDatabase('floor');
    try {
      result.floor.replayMs.push(await psqlReplay(binDir, db, floorRun));
      const dump = await pgDumpSchema(binDir, db);
      result.floor.dumpMs.push(dump.ms);
      result.floor.dumpBytes = dump.bytes;
      if (rep === 0 && (spec.migra || spec.headToHead)) await peersOn(db, spec, result, binDir, log);
    } catch (error) {
      result.errors.push(`floor: ${firstLines(error)}`);
      log(`  ${spec.name}: floor failed: ${firstLines(error)}`);
      break;
    } finally {
      await db.drop().catch(() => undefined);
    }
    // B: pgsquash
    try {
      const figures = await pgsquashChild(spec);
      result.pgsquash.push(figures);
      log(
        `  ${spec.name} #${rep + 1}: floor ${fmt(result.floor.replayMs.at(-1))} + dump ${fmt(result.floor.dumpMs.at(-1))}; pgsquash ${fmt(figures.timings.totalMs)} (replay ${fmt(figures.timings.replayMs)}, introspect ${fmt(figures.timings.introspectMs)}, verify ${fmt(figures.timings.verifyMs)}), ${(figures.maxRssBytes / 2 ** 20).toFixed(0)} MB`,
      );
    } catch (error) {
      result.errors.push(`pgsquash: ${firstLines(error)}`);
      log(`  ${spec.name}: pgsquash failed: ${firstLines(error)}`);
      break;
    }
    repMs = performance.now() - repStart;
  }
  if (spec.provenance && result.errors.length === 0) {
    if (provenanceBudget.leftMs < MIN_PROVENANCE_MS) {
      result.provenance = { plainMs: [], trackedMs: [], trackerMs: [], skipped: `not measured: the run's provenance budget (${fmt(provenanceBudget.totalMs)}) was spent` };
      log(`  ${spec.name} provenance: ${result.provenance.skipped}`);
    } else {
      const t0 = performance.now();
      try {
        result.provenance = await provenanceCost(spec, log);
      } catch (error) {
        result.errors.push(`provenance: ${firstLines(error)}`);
      }
      provenanceBudget.leftMs -= performance.now() - t0;
    }
  }
  result.elapsedMs = performance.now() - started;
  return result;
}

/**
 * The replay alone, without and with provenance tracking, interleaved, each in a child process
 * (its own PG 15 engine, not timed) that is stopped after `provenanceLimitMs`.
 */
async function provenanceCost(spec: CaseSpec, log: (line: string) => void): Promise<NonNullable<CaseResult['provenance']>> {
  const out: NonNullable<CaseResult['provenance']> = { plainMs: [], trackedMs: [], trackerMs: [] };
  const started = performance.now();
  for (let k = 0; k < (spec.provenance ?? 0); k++) {
    for (const tracked of [false, true]) {
      // Each child gets what is left of the case's limit and of the run's budget.
      const left = provenanceBudget.leftMs - (performance.now() - started);
      const limit = Math.min(spec.provenanceLimitMs ?? 10 * 60_000, left);
      if (k > 0 && limit < MIN_PROVENANCE_MS) return out;
      const arg = JSON.stringify({ dir: spec.dir, options: spec.options, tracked });
      try {
        const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(benchDir, 'provenance-child.ts'), arg], { maxBuffer: 1 << 24, timeout: limit, killSignal: 'SIGTERM' });
        const r = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { replayMs: number; trackerMs: number };
        (tracked ? out.trackedMs : out.plainMs).push(r.replayMs);
        if (tracked) out.trackerMs.push(r.trackerMs);
      } catch (error) {
        if (!(error as { killed?: boolean }).killed) throw error;
        out.timedOutMs = limit;
        log(`  ${spec.name} provenance: ${tracked ? 'tracked' : 'plain'} replay stopped after ${fmt(limit)}`);
        return out;
      }
    }
    log(`  ${spec.name} provenance #${k + 1}: replay ${fmt(out.plainMs.at(-1))}, with tracking ${fmt(out.trackedMs.at(-1))} (tracker ${fmt(out.trackerMs.at(-1))})`);
  }
  return out;
}

/** Peers on the floor's database (measured once, on the first repetition). */
async function peersOn(db: Awaited<ReturnType<Engine['createDatabase']>>, spec: CaseSpec, result: CaseResult, binDir: string, log: (line: string) => void): Promise<void> {
  if (spec.headToHead) {
    const h = { introspectMs: [] as number[], schemaMs: [] as number[], dumpMs: [] as number[] };
    for (let k = 0; k < spec.headToHead; k++) {
      const client = await db.connect();
      try {
        for (const [includeData, into] of [[true, h.introspectMs], [false, h.schemaMs]] as const) {
          const t0 = performance.now();
          await introspect(client, { includeData });
          into.push(performance.now() - t0);
        }
      } finally {
        await client.end();
      }
      h.dumpMs.push((await pgDumpSchema(binDir, db)).ms);
      log(`  ${spec.name} same database #${k + 1}: introspect ${fmt(h.introspectMs.at(-1))} (schema only ${fmt(h.schemaMs.at(-1))}), pg_dump -s ${fmt(h.dumpMs.at(-1))}`);
    }
    result.headToHead = h;
  }
  if (spec.migra) {
    result.migra = await migraFromEmpty(db);
    log(`  ${spec.name}: migra ${'ms' in result.migra ? fmt(result.migra.ms) : result.migra.error}`);
  }
}

const fmt = (ms: number | undefined) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(2)} s`);

function firstLines(error: unknown): string {
  const e = error as { stderr?: string; message?: string };
  const text = (e.stderr?.trim() || e.message || String(error)).split('\n');
  // a child's stack: keep the error line itself
  const line = text.find((l) => /^\w*Error: /.test(l)) ?? text.find((l) => /Error|error:|ERROR/.test(l)) ?? text[0] ?? '';
  return line.trim().slice(0, 300);
}
