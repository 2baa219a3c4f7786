import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { introspect, snapshot, type Catalog } from '../../src/catalog/index.js';
import { addsToExtension, type ScriptMembers } from '../../src/catalog/adopted.js';
import { scriptMembersOf } from '../../src/workflow/script-members.js';
import { emitBaseline, type EmitOptions } from '../../src/emit/index.js';
import type { Database, Engine } from '../../src/engine/index.js';
import { compareCatalogs, type Difference } from '../../src/verify/index.js';
import { applySqlFiles, fixtureFiles } from '../helpers/apply-sql.js';
import { projectRoot } from '../helpers/paths.js';
import { psqlFile } from '../helpers/oracle.js';

/**
 * As the workflow reads a replay: with what each extension's script makes alone, and whether the
 * SQL that built the database adds to extensions itself (catalog/adopted.ts).
 */
function probe(engine: Engine, sql: string[]): { scriptMembers?: ScriptMembers; addedToExtensions?: boolean } {
  const scriptMembers = scriptMembersOf(engine);
  return scriptMembers ? { scriptMembers, addedToExtensions: sql.some(addsToExtension) } : {};
}

const sqlOf = (caseDir: string) => fixtureFiles(caseDir).map((f) => readFileSync(f, 'utf8'));

export const fixturesRoot = path.join(projectRoot, 'test', 'fixtures', 'roundtrip');

/** Every round-trip case: a folder of numbered migrations, with an optional `prelude/` folder. */
export function roundTripCases(): string[] {
  return readdirSync(fixturesRoot, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

export interface RoundTrip {
  baseline: string;
  replayed: Catalog;
  rebuilt: Catalog;
  differences: Difference[];
  source: Database;
  target: Database;
}

async function prepared(engine: Engine, caseDir: string): Promise<Database> {
  const db = await engine.createDatabase('rt');
  const preludeDir = path.join(caseDir, 'prelude');
  if (existsSync(preludeDir)) {
    const client = await db.connect();
    try {
      await applySqlFiles(client, fixtureFiles(preludeDir));
    } finally {
      await client.end();
    }
  }
  return db;
}

export interface ReplayedCase {
  db: Database;
  replayed: Catalog;
  baseline(options?: EmitOptions): string;
  /** Introspects the same database again (same before-snapshot) and emits. */
  emitAgain(options?: EmitOptions): Promise<string>;
}

/** Replays a case into a fresh database; returns it with its catalog (data included). */
export async function replayCase(engine: Engine, name: string): Promise<ReplayedCase> {
  const caseDir = path.join(fixturesRoot, name);
  const db = await prepared(engine, caseDir);
  const client = await db.connect();
  try {
    const before = await snapshot(client);
    await applySqlFiles(client, fixtureFiles(caseDir));
    const replayed = await introspect(client, { before, includeData: true, ...probe(engine, sqlOf(caseDir)) });
    return {
      db,
      replayed,
      baseline: (options) => emitBaseline(replayed, headerFor(engine, caseDir), options),
      async emitAgain(options) {
        const again = await db.connect();
        try {
          return emitBaseline(await introspect(again, { before, includeData: true, ...probe(engine, sqlOf(caseDir)) }), headerFor(engine, caseDir), options);
        } finally {
          await again.end();
        }
      },
    };
  } finally {
    await client.end();
  }
}

function headerFor(engine: Engine, caseDir: string) {
  return { pgsquashVersion: '0.0.0-test', postgresMajor: engine.major, sourceFiles: fixtureFiles(caseDir).length, inputDigest: 'test' };
}

/**
 * Replays a case into one database, emits its baseline, applies the baseline to a second one
 * prepared the same way (with psql from `psqlBin` when given, as users do), and compares.
 */
export async function roundTrip(engine: Engine, name: string, options: { psqlBin?: string; emit?: EmitOptions } = {}): Promise<RoundTrip> {
  const caseDir = path.join(fixturesRoot, name);
  const source = await prepared(engine, caseDir);
  const target = await prepared(engine, caseDir);
  const a = await source.connect();
  const b = await target.connect();
  try {
    const before = await snapshot(a);
    await applySqlFiles(a, fixtureFiles(caseDir));
    const replayed = await introspect(a, { before, includeData: true, ...probe(engine, sqlOf(caseDir)) });
    const baseline = emitBaseline(replayed, headerFor(engine, caseDir), options.emit);
    const targetBefore = await snapshot(b);
    if (options.psqlBin) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'pgsquash-rt-'));
      try {
        const file = path.join(dir, 'baseline.sql');
        writeFileSync(file, baseline);
        await psqlFile(target, file, options.psqlBin);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } else {
      await b.query(baseline);
    }
    const rebuilt = await introspect(b, { before: targetBefore, includeData: !options.emit?.schemaOnly, ...probe(engine, [baseline]) });
    return { baseline, replayed, rebuilt, differences: compareCatalogs(replayed, rebuilt), source, target };
  } finally {
    await a.end();
    await b.end();
  }
}
