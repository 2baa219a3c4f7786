import { existsSync, lstatSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { bundledBinDir } from '../../src/engine/binaries.js';
import { availableExtensions } from '../../src/engine/extensions/available.js';
import { nativeShareDir, stubbedBinDir } from '../../src/engine/extensions/stubs.js';
import { createEngine, type Database, type Engine } from '../../src/engine/index.js';
import { PG15_BIN, havePg15 } from '../helpers/paths.js';

const bundled = bundledBinDir() as string;

describe('stubbedBinDir', () => {
  it('returns the original folder when nothing needs stubbing', async () => {
    expect(await stubbedBinDir(bundled, [])).toBe(realpathSync(bundled));
  });

  it('rejects an extension it has no stub for', async () => {
    await expect(stubbedBinDir(bundled, ['vector'])).rejects.toThrow(UsageError);
  });

  it('builds an overlay whose postgres is a real copy and whose share dir holds the stubs', async () => {
    const dir = await stubbedBinDir(bundled, ['pg_net', 'http']);
    expect(dir).not.toBe(realpathSync(bundled));
    expect(lstatSync(path.join(dir, 'postgres')).isSymbolicLink()).toBe(false);
    const share = await nativeShareDir(dir);
    expect(existsSync(path.join(share, 'extension', 'pg_net.control'))).toBe(true);
    expect(existsSync(path.join(share, 'extension', 'pgcrypto.control'))).toBe(true);
    expect(await stubbedBinDir(bundled, ['http', 'pg_net'])).toBe(dir); // cached, order-insensitive
  });

  it.runIf(havePg15)(`follows Debian's split sharedir (${PG15_BIN})`, async () => {
    const dir = await stubbedBinDir(PG15_BIN, ['pg_net']);
    expect(dir).toMatch(/lib\/postgresql\/15\/bin$/);
    expect(await nativeShareDir(dir)).toMatch(/share\/postgresql\/15$/);
  });
});

describe('stub extensions on the embedded engine', () => {
  let engine: Engine;
  let db: Database;
  let client: pg.Client;

  beforeAll(async () => {
    engine = await createEngine({ kind: 'embedded', pgBin: await stubbedBinDir(bundled, ['pg_net', 'pg_cron', 'http', 'pgjwt']) });
  });
  afterAll(async () => engine?.close());
  beforeEach(async () => {
    db = await engine.createDatabase('stubs');
    client = await db.connect();
  });
  afterEach(async () => {
    await client.end();
    await db.drop();
  });

  const members = async (extension: string) => {
    const { rows } = await client.query<{ obj: string }>(
      `SELECT pg_describe_object(d.classid, d.objid, d.objsubid) AS obj
       FROM pg_depend d JOIN pg_extension e ON d.refclassid = 'pg_extension'::regclass AND d.refobjid = e.oid
       WHERE e.extname = $1 AND d.deptype = 'e'`,
      [extension],
    );
    return rows.map((r) => r.obj);
  };

  it('lists the stubs among the available extensions', async () => {
    const names = await availableExtensions(engine);
    expect(names.has('pg_net')).toBe(true);
    expect(names.has('pgcrypto')).toBe(true);
    expect(names.has('pg_graphql')).toBe(false); // not asked for
  });

  it('installs pg_net as an extension whose objects are members, and drops them with it', async () => {
    await client.query('CREATE SCHEMA extensions; CREATE EXTENSION pg_net WITH SCHEMA extensions');
    const objects = await members('pg_net');
    expect(objects).toEqual(expect.arrayContaining([
      'schema net',
      'function net.http_post(text,jsonb,jsonb,jsonb,integer)',
      'function net.http_get(text,jsonb,jsonb,integer)',
      'table net.http_request_queue',
    ]));
    const { rows } = await client.query(`SELECT net.http_post('https://example.com', '{"a":1}') AS id`);
    expect(rows).toEqual([{ id: '1' }]);
    await client.query('DROP EXTENSION pg_net');
    const { rows: left } = await client.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'net'`);
    expect(left).toHaveLength(0);
  });

  it('keeps pg_cron jobs scheduled by a migration', async () => {
    await client.query('CREATE EXTENSION pg_cron');
    await client.query(`SELECT cron.schedule('nightly', '0 3 * * *', 'VACUUM')`);
    await client.query(`SELECT cron.schedule('nightly', '0 4 * * *', 'VACUUM')`);
    expect((await client.query('SELECT jobname, schedule FROM cron.job')).rows).toEqual([{ jobname: 'nightly', schedule: '0 4 * * *' }]);
    expect((await client.query(`SELECT cron.unschedule('nightly') AS ok`)).rows).toEqual([{ ok: true }]);
    expect(await members('pg_cron')).toEqual(expect.arrayContaining(['schema cron', 'table cron.job']));
  });

  it('gives pgjwt working signatures and http request functions that refuse to run', async () => {
    await client.query('CREATE EXTENSION pgjwt CASCADE; CREATE EXTENSION http');
    const { rows } = await client.query(`SELECT valid, payload->>'sub' AS sub FROM verify(sign('{"sub":"u1"}', 'secret'), 'secret')`);
    expect(rows).toEqual([{ valid: true, sub: 'u1' }]);
    await expect(client.query(`SELECT http_get('https://example.com')`)).rejects.toThrow(/pgsquash stub/);
    expect(await members('http')).toEqual(expect.arrayContaining(['function http_get(character varying)', 'type http_response']));
  });
});
