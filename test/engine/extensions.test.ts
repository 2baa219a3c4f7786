import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBaseline } from '../../src/workflow/baseline.js';
import type { Migration, MigrationSet } from '../../src/discover/types.js';
import { EngineUnavailableError } from '../../src/errors.js';
import { chooseEngine, localEngines, missingExtensionsError, type LocalEngine } from '../../src/engine/extensions/available.js';
import { findExtensionUses, requiredExtensions } from '../../src/engine/extensions/required.js';

const migration = (path: string, sql: string, startLine = 1): Migration => ({
  version: path.slice(0, 3), name: path, path, absPath: `/m/${path}`, sql, startLine,
  transaction: 'transaction', format: 'numbered', sha256: '',
});
const set = (...migrations: Migration[]): MigrationSet => ({
  root: '/m', format: 'numbered', formatReason: 'test', migrations, diagnostics: [], ignored: [],
});

describe('requiredExtensions', () => {
  it('finds plain, quoted and IF NOT EXISTS forms in order, once each, with lines', () => {
    const migrations = set(
      migration('001_a.sql', 'create extension if not exists "uuid-ossp" with schema extensions;\nCREATE EXTENSION PGCRYPTO;'),
      migration('002_b.sql', '-- create extension ignored_in_comment;\n/* create extension also_ignored /* nested */ */\nCreate  Extension\n  vector;\ncreate extension pgcrypto;', 3),
      migration('003_c.sql', `do $$ begin execute 'create extension pg_net'; end $$; select '-- not a comment', 1; create extension "Quoted""Name";`),
    );
    expect(requiredExtensions(migrations)).toEqual(['uuid-ossp', 'pgcrypto', 'vector', 'pg_net', 'Quoted"Name']);
    expect(findExtensionUses(migrations).find((use) => use.name === 'vector')).toEqual({ name: 'vector', path: '002_b.sql', line: 5 });
  });

  it('marks a CREATE EXTENSION guarded by a pg_available_extensions check in its body: the migration skips it where missing', () => {
    const guarded = `DO $$ BEGIN\n  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pgsodium') THEN\n    CREATE EXTENSION IF NOT EXISTS pgsodium;\n  END IF;\nEND $$;`;
    const uses = findExtensionUses(set(migration('001_a.sql', `${guarded}\ncreate extension pgcrypto;\ndo $$ begin create extension pg_net; end $$;`)));
    expect(uses).toEqual([
      { name: 'pgsodium', path: '001_a.sql', line: 3, guarded: true },
      { name: 'pgcrypto', path: '001_a.sql', line: 6 },
      { name: 'pg_net', path: '001_a.sql', line: 7 },
    ]);
  });

  it('returns nothing for migrations without extensions', () => {
    expect(requiredExtensions(set(migration('001.sql', 'create table extension (id int);')))).toEqual([]);
  });
});

describe('chooseEngine and the missing-extension message', () => {
  const engines: LocalEngine[] = [
    { kind: 'embedded', major: 17, flags: '--engine embedded', extensions: new Set(['plpgsql', 'pgcrypto']) },
    { kind: 'pglite', major: 17, flags: '--engine pglite', extensions: new Set(['plpgsql', 'pgcrypto', 'vector']) },
  ];

  it('prefers the native engine, with stubs when allowed, and falls back to pglite for pgvector', () => {
    expect(chooseEngine(['pgcrypto'], engines, [])).toEqual({ engine: engines[0], stubs: [] });
    expect(chooseEngine(['pg_net'], engines, ['pg_net'])).toEqual({ engine: engines[0], stubs: ['pg_net'] });
    expect(chooseEngine(['pg_net'], engines, [])).toBeUndefined();
    expect(chooseEngine(['vector', 'http'], engines, ['http'])).toEqual({ engine: engines[1], stubs: ['http'] });
  });

  it('names the extension, where it is created and which engine or stub has it', () => {
    const error = missingExtensionsError(
      [{ name: 'vector', path: '001_a.sql', line: 2 }, { name: 'pg_net', path: '002_b.sql', line: 1 }, { name: 'timescaledb', path: '003.sql', line: 7 }],
      'embedded Postgres 17',
      engines,
    );
    expect(error).toBeInstanceOf(EngineUnavailableError);
    expect(error.message).toBe('embedded Postgres 17 cannot create extensions "vector", "pg_net", "timescaledb"');
    expect(error.details[0]).toBe('"vector" (created at 001_a.sql:2): available with --engine pglite');
    expect(error.details[1]).toMatch(/^"pg_net" \(created at 002_b.sql:1\): available with --stub-extension pg_net/);
    expect(error.details[2]).toMatch(/no local engine has it/);
    // when no engine was asked for and none fits
    expect(missingExtensionsError([{ name: 'vector', path: '001_a.sql', line: 2 }], null, engines).message).toBe('no local engine can create extension "vector"');
  });

  it('knows this machine: the bundled build has contrib, pglite has pgvector', async () => {
    const local = await localEngines();
    expect(local[0]?.extensions.has('pgcrypto')).toBe(true);
    const pglite = local.find((engine) => engine.kind === 'pglite');
    expect(pglite?.extensions.has('vector')).toBe(true);
    expect(pglite?.extensions.has('uuid-ossp')).toBe(true);
  });
});

describe('a guarded CREATE EXTENSION of an extension no engine has', () => {
  it('does not stop the run: the migration skips it, and the run says so', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pgsquash-guarded-'));
    try {
      writeFileSync(
        path.join(dir, '001_optional.sql'),
        `DO $$ BEGIN\n  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'no_such_extension') THEN\n    CREATE EXTENSION no_such_extension;\n  END IF;\nEND $$;\nCREATE TABLE t (id int);\n`,
      );
      const log: string[] = [];
      const result = await buildBaseline(dir, { log: (line) => log.push(line) });
      expect(result.differences).toEqual([]);
      expect(result.sql).toContain('CREATE TABLE public.t');
      expect(log).toContainEqual(expect.stringMatching(/001_optional\.sql:3 creates extension "no_such_extension" only where pg_available_extensions lists it/));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
