import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableExtensions } from '../../src/engine/extensions/available.js';
import { startPglite, type PgliteEngine } from '../../src/engine/pglite.js';
import { activeResources } from '../../src/engine/lifecycle.js';
import { loadPreset } from '../../src/presets/index.js';
import { projectRoot } from '../helpers/paths.js';
import { applyMigrations, applyPreset } from '../presets/apply.js';

const preset = loadPreset('supabase');

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

describe('pglite engine', () => {
  let engine: PgliteEngine;
  beforeAll(async () => {
    engine = await startPglite({ stubExtensions: preset.stubExtensions });
  });
  afterAll(async () => engine?.close());

  it('reports the Postgres major it runs and offers pgvector, contrib and the stubs', async () => {
    expect(engine.kind).toBe('pglite');
    expect(engine.major).toBe(17);
    expect(Math.floor(engine.serverVersionNum / 10000)).toBe(engine.major);
    const names = await availableExtensions(engine);
    for (const name of ['vector', 'uuid-ossp', 'pgcrypto', 'pg_net', 'http']) expect(names.has(name)).toBe(true);
  });

  it('serves pg clients over a loopback socket: vector columns with ivfflat and hnsw indexes', async () => {
    const db = await engine.createDatabase();
    const client = new pg.Client(db.config);
    await client.connect();
    try {
      await client.query('CREATE EXTENSION vector');
      await client.query('CREATE TABLE items (id int PRIMARY KEY, embedding vector(3))');
      await client.query('CREATE INDEX items_ivfflat ON items USING ivfflat (embedding vector_l2_ops) WITH (lists = 1)');
      await client.query('CREATE INDEX items_hnsw ON items USING hnsw (embedding vector_cosine_ops)');
      await client.query(`INSERT INTO items VALUES (1, '[1,0,0]'), (2, '[0,1,0]')`);
      const { rows } = await client.query(`SELECT id FROM items ORDER BY embedding <-> '[0.9,0.1,0]' LIMIT 1`);
      expect(rows).toEqual([{ id: 1 }]);
      const { rows: indexes } = await client.query<{ am: string }>(
        `SELECT am.amname AS am FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
         WHERE i.indrelid = 'items'::regclass ORDER BY 1`,
      );
      expect(indexes.map((i) => i.am)).toEqual(['btree', 'hnsw', 'ivfflat']);
      // pg_dump/psql of the matching major are offered for this server.
      if (engine.binDir) expect(path.isAbsolute(engine.binDir)).toBe(true);
    } finally {
      await client.end();
      await db.drop();
    }
  });

  it('gives each database its own instance and frees its port on drop', async () => {
    const first = await engine.createDatabase();
    const second = await engine.createDatabase();
    const a = await first.connect();
    const b = await second.connect();
    await a.query('CREATE TABLE only_in_first (id int)');
    const { rows } = await b.query(`SELECT to_regclass('only_in_first') AS t`);
    expect(rows).toEqual([{ t: null }]);
    await a.end();
    await b.end();
    await first.drop();
    await second.drop();
    expect(await refused(Number(first.config.port))).toBe(true);
    expect(await refused(Number(second.config.port))).toBe(true);
  });

  it('runs the supabase preset, the fixtures and a pgvector migration', async () => {
    const db = await engine.createDatabase();
    const client = await db.connect();
    try {
      await applyPreset(client, preset);
      await applyMigrations(client, path.join(projectRoot, 'test', 'fixtures', 'supabase', 'migrations'));
      await applyMigrations(client, path.join(projectRoot, 'test', 'fixtures', 'supabase', 'vector'));
      await client.query(`INSERT INTO auth.users (id, email) VALUES ('00000000-0000-0000-0000-000000000001', 'a@example.com')`);
      await client.query(`INSERT INTO public.documents (owner, content, embedding) VALUES
        ('00000000-0000-0000-0000-000000000001', 'near', '[1,0,0]'), ('00000000-0000-0000-0000-000000000001', 'far', '[0,0,1]')`);
      const { rows } = await client.query(`SELECT content FROM public.match_documents('[1,0.1,0]', 1)`);
      expect(rows).toEqual([{ content: 'near' }]);
      const { rows: profiles } = await client.query('SELECT count(*)::int AS n FROM public.profiles');
      expect(profiles).toEqual([{ n: 1 }]);
    } finally {
      await client.end();
      await db.drop();
    }
  });

  it('closes every instance and socket on close', async () => {
    const other = await startPglite();
    const db = await other.createDatabase();
    const client = await db.connect();
    await client.end();
    expect(activeResources()).toContain('pglite engine');
    await other.close();
    expect(await refused(Number(db.config.port))).toBe(true);
  });
});
