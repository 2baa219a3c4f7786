import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startEmbedded, type EmbeddedEngine } from '../../src/engine/embedded.js';
import { createEngine, REPLAY_DATABASE, describeEngine, type Database, type Engine } from '../../src/engine/index.js';
import { redactError, redactText, redactUrl } from '../../src/util/redact.js';
import { EngineUnavailableError, UsageError } from '../../src/errors.js';
import { holdEngine, waitFor } from './helpers.js';

/**
 * An embedded cluster plays "the user's server": it has a password, an application database the
 * URL names, and other databases. The url engine must only ever touch scratch databases it made.
 */
describe('url engine against an existing server', () => {
  let server: EmbeddedEngine;
  let appDb: Database;
  let userUrl: string;
  let password: string;
  /** Every text the engine produced: log lines, descriptions, error messages with details and stacks. */
  const produced: string[] = [];
  const log = (line: string) => produced.push(line);

  const databasesOnServer = async (): Promise<string[]> => {
    const client = await appDb.connect();
    try {
      return (await client.query<{ datname: string }>('SELECT datname FROM pg_database ORDER BY 1')).rows.map((r) => r.datname);
    } finally {
      await client.end();
    }
  };
  /** A fingerprint of the app database's catalog and data: any write would change it. */
  const appFingerprint = async (): Promise<string> => {
    const client = await appDb.connect();
    try {
      const { rows } = await client.query<{ f: string }>(
        `SELECT md5((SELECT string_agg(oid::text || relname, ',' ORDER BY oid) FROM pg_class)
                 || (SELECT string_agg(id::text || note, ',' ORDER BY id) FROM app_data)) AS f`,
      );
      return rows[0]!.f;
    } finally {
      await client.end();
    }
  };
  const capture = async (run: () => Promise<unknown>): Promise<Error> => {
    const error = await run().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(Error);
    produced.push(error!.message, inspect(error, { depth: 5 }));
    return error!;
  };

  beforeAll(async () => {
    server = await startEmbedded({ kind: 'embedded' });
    appDb = await server.createDatabase('userapp');
    userUrl = appDb.url;
    password = String(appDb.config.password);
    const client = await appDb.connect();
    await client.query(`CREATE TABLE app_data (id int PRIMARY KEY, note text); INSERT INTO app_data VALUES (1, 'precious')`);
    await client.end();
  });
  afterAll(async () => {
    await server?.close();
  });

  test('works in a scratch database it creates, drops it on close, and leaves the URL database alone', async () => {
    const before = await appFingerprint();
    const engine = await createEngine({ kind: 'url', databaseUrl: userUrl, log });
    produced.push(describeEngine(engine), engine.location ?? '');
    let scratch: Database;
    try {
      expect(engine.kind).toBe('url');
      expect(engine.major).toBe(server.major);
      expect(engine.superuser).toBe('postgres');
      scratch = await engine.createDatabase();
      produced.push(scratch.safeUrl);
      expect(scratch.name).toMatch(/^pgsquash_scratch_[0-9a-z]+_[0-9a-f]{8}$/);
      expect(await databasesOnServer()).toContain(scratch.name);
      const client = await scratch.connect();
      try {
        const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
        expect(rows[0]!.db).toBe(scratch.name);
        await client.query('CREATE TABLE replayed (x int); CREATE SCHEMA app; CREATE TABLE app.more (y text)');
      } finally {
        await client.end();
      }
      // A session left open must not keep the drop from happening.
      await scratch.connect();
    } finally {
      await engine.close();
    }
    expect(await databasesOnServer()).not.toContain(scratch.name);
    expect(await appFingerprint()).toBe(before);
  });

  test('refuses to start when the scratch name exists, and does not touch that database', async () => {
    const admin = await appDb.connect();
    await admin.query('CREATE DATABASE pgsquash_taken');
    await admin.end();
    const error = await capture(() => createEngine({ kind: 'url', databaseUrl: userUrl, scratchName: 'pgsquash_taken', log }));
    expect(error).toBeInstanceOf(EngineUnavailableError);
    expect((error as EngineUnavailableError).exitCode).toBe(4);
    expect(error.message).toMatch(/^scratch database "pgsquash_taken" already exists on 127\.0\.0\.1:\d+/);
    expect(await databasesOnServer()).toContain('pgsquash_taken');
  });

  test('an explicit scratch name is the replay database\'s, the others are numbered after it', async () => {
    const engine = await createEngine({ kind: 'url', databaseUrl: userUrl, scratchName: 'pgsquash_mine' });
    try {
      // an extension check comes first; the replay's database still gets the name
      const [check, replay, verify] = [await engine.createDatabase('pgsquash_ext'), await engine.createDatabase(REPLAY_DATABASE), await engine.createDatabase()];
      expect([check.name, replay.name, verify.name]).toEqual(['pgsquash_mine_1', 'pgsquash_mine', 'pgsquash_mine_3']);
    } finally {
      await engine.close();
    }
    expect(await databasesOnServer()).not.toContain('pgsquash_mine');
    const bad = await capture(() => createEngine({ kind: 'url', databaseUrl: userUrl, scratchName: 'x; DROP DATABASE y' }));
    expect(bad).toBeInstanceOf(UsageError);
  });

  test('refuses a role that may not create databases, naming the grant', async () => {
    const admin = await appDb.connect();
    await admin.query(`CREATE ROLE limited LOGIN PASSWORD 'Limited-Secret-4711'`);
    await admin.end();
    const limitedUrl = userUrl.replace(/\/\/[^@]*@/, '//limited:Limited-Secret-4711@');
    const error = await capture(() => createEngine({ kind: 'url', databaseUrl: limitedUrl, log }));
    expect(error).toBeInstanceOf(EngineUnavailableError);
    expect(error.message).toMatch(/^role "limited" may not create databases on 127\.0\.0\.1:\d+$/);
    expect((error as EngineUnavailableError).details.join('\n')).toContain('ALTER ROLE "limited" CREATEDB');
    for (const text of produced) expect(text).not.toContain('Limited-Secret-4711');
  });

  test('connection failures are exit-4 errors that never show the password', async () => {
    const wrongPassword = 'Wrong-Secret-0815';
    const wrongUrl = userUrl.replace(`:${encodeURIComponent(password)}@`, `:${wrongPassword}@`);
    const wrong = await capture(() => createEngine({ kind: 'url', databaseUrl: wrongUrl, log }));
    expect(wrong).toBeInstanceOf(EngineUnavailableError);
    expect(wrong.message).toMatch(/^cannot connect to postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/userapp_\w+: password authentication failed/);
    const closedPort = new URL(userUrl);
    closedPort.port = '1';
    const refused = await capture(() => createEngine({ kind: 'url', databaseUrl: closedPort.toString(), log }));
    expect(refused).toBeInstanceOf(EngineUnavailableError);
    expect(refused.message).toMatch(/ECONNREFUSED/);
    const notUrl = await capture(() => createEngine({ kind: 'url', databaseUrl: `host=localhost password=${password}`, log }));
    expect(notUrl).toBeInstanceOf(UsageError);
    const missing = await capture(() => createEngine({ kind: 'url', log }));
    expect(missing).toBeInstanceOf(UsageError);
    for (const text of produced) {
      expect(text).not.toContain(wrongPassword);
      expect(text).not.toContain(password);
      expect(text).not.toContain(encodeURIComponent(password));
    }
  });

  test('SIGTERM of a process using the url engine drops its scratch database', async () => {
    const held = await holdEngine(['url'], { HOLD_URL: userUrl });
    expect(await databasesOnServer()).toContain(held.info.database);
    expect(held.info.description).not.toContain(password);
    process.kill(held.info.pid, 'SIGTERM');
    expect((await held.exited).code).toBe(143);
    expect(await databasesOnServer()).not.toContain(held.info.database);
    expect(held.output()).not.toContain(password);
  });

  test('kill -9 of a process using the url engine: its watchdog drops the scratch database', async () => {
    const held = await holdEngine(['url'], { HOLD_URL: userUrl });
    expect(await databasesOnServer()).toContain(held.info.database);
    process.kill(held.info.pid, 'SIGKILL');
    await held.exited;
    await waitFor('the scratch database to be dropped', async () => !(await databasesOnServer()).includes(held.info.database));
  });

  test('nothing the engine produced in these tests contains the password', () => {
    expect(produced.length).toBeGreaterThan(10);
    for (const text of produced) expect(text).not.toContain(password);
  });
});

describe('redaction helpers', () => {
  test('redactUrl masks the password of a URL and leaves the rest', () => {
    expect(redactUrl('postgres://alice:s3cr%40t@db.example:5432/app?sslmode=require')).toBe(
      'postgres://alice:***@db.example:5432/app?sslmode=require',
    );
    expect(redactUrl('postgresql://alice@db.example/app')).toBe('postgresql://alice@db.example/app');
    expect(redactUrl('postgres://db.example/app?user=alice&password=hunter2')).toBe('postgres://db.example/app?user=alice&password=***');
    expect(redactUrl('postgres://alice:one@db.example/app?password=two')).toBe('postgres://alice:***@db.example/app?password=***');
    expect(redactUrl('not a url, but postgres://a:b@h/d inside')).toBe('not a url, but postgres://a:***@h/d inside');
  });

  test('redactText and redactError scrub URLs, key=value passwords and known secrets in free text', () => {
    expect(redactText('failed: postgres://bob:pa55@h/db and password=pa55 then pa55', ['pa55'])).toBe(
      'failed: postgres://bob:***@h/db and password=*** then ***',
    );
    const cause = new Error('connect to postgresql://bob:Top%2FSecret@h:5/db failed');
    const error = new Error('outer: the secret Top/Secret leaked', { cause });
    const text = redactError(error, ['Top/Secret']);
    expect(text).toBe('outer: the secret *** leaked: connect to postgresql://bob:***@h:5/db failed');
  });
});
