/**
 * Cluster-level objects the migrations made (roles, memberships, role and database settings),
 * with objects owned by and granted to those roles. Roles are cluster-wide, so these cases cannot
 * share a cluster with the other round trips (which replay every case twice on one cluster): the
 * migrations replay on one cluster and the baseline is applied to another, twice, into two
 * databases — the second time onto a server where the roles already exist.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { introspect, snapshot, type Catalog, type CatalogSnapshot } from '../../src/catalog/index.js';
import { emitBaseline, type EmitOptions } from '../../src/emit/index.js';
import { createEngine, type Database, type Engine } from '../../src/engine/index.js';
import { compareCatalogs } from '../../src/verify/index.js';
import { applySqlFiles, fixtureFiles } from '../helpers/apply-sql.js';
import { pgDump, psqlFile } from '../helpers/oracle.js';
import { havePg15, PG15_BIN, projectRoot } from '../helpers/paths.js';

const run = promisify(execFile);
const caseDir = path.join(projectRoot, 'test', 'fixtures', 'cluster', 'roles');
const header = { pgsquashVersion: '0.0.0-test', postgresMajor: 0, sourceFiles: 2, inputDigest: 'test' };

interface Replayed {
  db: Database;
  before: CatalogSnapshot;
  catalog: Catalog;
}

async function replay(engine: Engine): Promise<Replayed> {
  const db = await engine.createDatabase('replay');
  const client = await db.connect();
  try {
    const before = await snapshot(client);
    await applySqlFiles(client, fixtureFiles(caseDir));
    return { db, before, catalog: await introspect(client, { before, includeData: true }) };
  } finally {
    await client.end();
  }
}

/** Applies the baseline with psql into a fresh database; reads it back against `before` (a fresh database's snapshot). */
async function rebuild(engine: Engine, baseline: string, before?: CatalogSnapshot) {
  const db = await engine.createDatabase('rebuild');
  const client = await db.connect();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pgsquash-cluster-'));
  try {
    const own = await snapshot(client);
    const file = path.join(dir, 'baseline.sql');
    writeFileSync(file, baseline);
    // psql 15 talks to 17 too; the embedded 17 bundle has no psql.
    if (havePg15) await psqlFile(db, file, PG15_BIN);
    else await client.query(baseline);
    return { db, before: own, catalog: await introspect(client, { before: before ?? own, includeData: true }) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await client.end();
  }
}

/** Roles of a cluster as pg_dumpall prints them, passwords left out, the database name masked. */
async function dumpRoles(db: Database, binDir: string): Promise<string> {
  const { stdout } = await run(path.join(binDir, 'pg_dumpall'), ['--roles-only', '--no-role-passwords', '--dbname', db.url]);
  return stdout
    .split('\n')
    .filter((l) => !l.startsWith('--') && !/^\\(un)?restrict\b/.test(l))
    .map((l) => l.replace(/IN DATABASE \S+/, 'IN DATABASE <db>').replace(/ GRANTED BY \S+/, ''))
    .join('\n');
}

for (const major of ['17', '15'] as const) {
  describe.skipIf(major === '15' && !havePg15)(`cluster objects round trip on Postgres ${major}`, () => {
    let source: Engine;
    let target: Engine;
    const pgBin = major === '15' ? { pgBin: PG15_BIN } : {};
    beforeAll(async () => {
      source = await createEngine({ kind: 'embedded', ...pgBin });
      target = await createEngine({ kind: 'embedded', ...pgBin });
    });
    afterAll(async () => {
      await source?.close();
      await target?.close();
    });

    it('creates the roles idempotently, with memberships, settings and owners, on a fresh server and again on the same one', async () => {
      const replayed = await replay(source);
      const options: EmitOptions = { owners: true };
      const baseline = emitBaseline(replayed.catalog, header, options);
      expect(baseline).toContain('CREATE ROLE sq_app;');
      expect(baseline).not.toContain('not-carried');
      expect(baseline).toContain('pg_catalog.current_database()');
      expect(baseline).not.toContain(replayed.db.name);
      // The database's own comment, addressed to the database being built.
      expect(replayed.catalog.objects.find((o) => o.id === 'comment on database')?.def).toEqual({ target: 'DATABASE', text: "'sq''s 100% database'" });
      expect(baseline).toMatch(/EXECUTE pg_catalog\.format\('COMMENT ON DATABASE %I IS ''sq''''s 100%% database''', pg_catalog\.current_database\(\)\);/);
      // Objects in no schema are headed by what they are: the roles, then the database's own.
      const headings = baseline.split('\n').filter((l) => /^-- (Schema|Cluster-wide|Database-wide)/.test(l));
      expect(headings[0]).toBe('-- Cluster-wide: roles');
      expect(baseline.indexOf('-- Cluster-wide: roles')).toBeLessThan(baseline.indexOf('CREATE ROLE sq_app;'));
      expect(headings).toContain('-- Database-wide: objects outside any schema');
      expect(headings.filter((h) => h.startsWith('-- Schema')).every((h) => /^-- Schema \S+$/.test(h))).toBe(true);
      const first = await rebuild(target, baseline);
      // Same server again: the roles exist now. Compared against the first fresh snapshot, since
      // this database's own snapshot already lists them.
      const second = await rebuild(target, baseline, first.before);
      // Without the owners option: no OWNER TO, and owners are compared only when asked.
      const plain = emitBaseline(replayed.catalog, header);
      expect(plain).not.toContain('OWNER TO');
      const unowned = await rebuild(target, plain, first.before);
      // With the applying superuser named: no OWNER TO it (what it creates is its own), the others kept.
      const applied = emitBaseline(replayed.catalog, header, { owners: true, superuser: 'postgres' });
      expect(baseline).toMatch(/OWNER TO postgres;/);
      expect(applied).not.toMatch(/OWNER TO postgres;/);
      expect(applied).toContain('ALTER TABLE app.items OWNER TO sq_app;');
      const byApplier = await rebuild(target, applied, first.before);
      try {
        expect(compareCatalogs(replayed.catalog, byApplier.catalog, { owners: true })).toEqual([]);
        expect(compareCatalogs(replayed.catalog, unowned.catalog)).toEqual([]);
        expect(compareCatalogs(replayed.catalog, unowned.catalog, { owners: true }).map((d) => `${d.id}: ${d.fields.join()}`)).toEqual(
          expect.arrayContaining(['table app.items: owner', 'schema app: owner', 'function app.visible(integer): owner']),
        );
        expect(compareCatalogs(replayed.catalog, first.catalog, { owners: true })).toEqual([]);
        expect(compareCatalogs(replayed.catalog, second.catalog, { owners: true })).toEqual([]);
        const roles = replayed.catalog.objects.filter((o) => o.kind === 'role').map((o) => o.id);
        // the bootstrap superuser is here for the setting the migration gave it, set alone (no RESET ALL)
        expect(roles).toEqual(['role "Sq Mixed"', 'role pg_read_all_stats', 'role postgres', 'role sq_admin', 'role sq_app', 'role sq_readers']);
        expect(baseline).toContain(`ALTER ROLE postgres SET idle_in_transaction_session_timeout TO '10min';`);
        expect(baseline).not.toContain('ALTER ROLE postgres RESET ALL');
        if (major === '15') {
          expect(await pgDump(first.db, 'schema')).toBe(await pgDump(replayed.db, 'schema'));
          expect(await pgDump(second.db, 'schema')).toBe(await pgDump(replayed.db, 'schema'));
          expect(await pgDump(first.db, 'data')).toBe(await pgDump(replayed.db, 'data'));
          expect(await dumpRoles(first.db, PG15_BIN)).toBe(await dumpRoles(replayed.db, PG15_BIN));
        }
      } finally {
        await replayed.db.drop();
        await first.db.drop();
        await second.db.drop();
        await unowned.db.drop();
        await byApplier.db.drop();
      }
    });
  });
}
