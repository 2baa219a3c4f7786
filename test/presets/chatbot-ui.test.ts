import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findExtensionUses } from '../../src/engine/extensions/required.js';
import { chooseEngine, localEngines } from '../../src/engine/extensions/available.js';
import { startPglite, type PgliteEngine } from '../../src/engine/pglite.js';
import { loadPreset } from '../../src/presets/index.js';
import type { MigrationSet } from '../../src/discover/types.js';
import { corporaRoot, haveCorpora } from '../helpers/paths.js';
import { applyMigrations, applyPreset } from './apply.js';
import { readdirSync, readFileSync } from 'node:fs';

const dir = path.join(corporaRoot, 'chatbot-ui', 'migrations');
const title = haveCorpora ? 'corpus chatbot-ui (Supabase + pgvector + http)' : `corpus chatbot-ui skipped: no corpora at ${corporaRoot}`;

describe.runIf(haveCorpora)(title, () => {
  const preset = loadPreset('supabase');
  let engine: PgliteEngine;
  beforeAll(async () => {
    engine = await startPglite({ stubExtensions: preset.stubExtensions });
  });
  afterAll(async () => engine?.close());

  it('needs vector and http, so auto picks pglite with the http stub', async () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
    const set: MigrationSet = {
      root: dir, format: 'timestamp', formatReason: 'test', diagnostics: [], ignored: [],
      migrations: files.map((f) => ({
        version: f.slice(0, 14), name: f, path: f, absPath: path.join(dir, f), sql: readFileSync(path.join(dir, f), 'utf8'),
        startLine: 1, transaction: 'transaction' as const, format: 'timestamp' as const, sha256: '',
      })),
    };
    const uses = findExtensionUses(set);
    expect(uses.map((u) => u.name)).toEqual(['http', 'vector']);
    const choice = chooseEngine(['http', 'vector'], await localEngines(), preset.stubExtensions);
    expect(choice?.engine.kind).toBe('pglite');
    expect(choice?.stubs).toEqual(['http']);
  });

  it('replays all 25 files on pglite with the supabase preset (SOURCE.md counts)', async () => {
    const db = await engine.createDatabase();
    const client = await db.connect();
    try {
      await applyPreset(client, preset);
      const files = await applyMigrations(client, dir);
      expect(files).toHaveLength(25);
      const { rows } = await client.query(
        `SELECT (SELECT count(*)::int FROM pg_tables WHERE schemaname = 'public') AS tables,
                (SELECT count(*)::int FROM pg_indexes WHERE schemaname = 'public') AS indexes,
                (SELECT count(*)::int FROM pg_policies) AS policies,
                (SELECT count(*)::int FROM pg_tables WHERE schemaname = 'public' AND rowsecurity) AS rls_tables`,
      );
      // SOURCE.md: created by this corpus: tables 26, indexes 80, policies 60, RLS tables 26.
      expect(rows).toEqual([{ tables: 26, indexes: 80, policies: 60, rls_tables: 26 }]);
    } finally {
      await client.end();
      await db.drop();
    }
  });
});
