/**
 * The url engine through the CLI, against a real server with a password: the password never
 * appears in anything pgsquash prints (text, --json, failures, wrong password, unreachable host),
 * scratch databases are dropped even on failure, an existing scratch name is refused, and
 * DROP DATABASE in a migration cannot reach the server's real databases. Also: the embedded
 * cluster listens on loopback only, on a random port, with password authentication over TCP.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/index.js';
import type { EmbeddedEngine } from '../../src/engine/embedded.js';
import { cli, STACK_LINE } from './helpers.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'pgsquash-hard-sec-'));
let engine: Engine;
let admin: pg.Client;
let url: URL;
// Characters that change under URL encoding, so both forms are checked.
const password = 'S3cr3t/p@ss+w0rd!';

beforeAll(async () => {
  engine = await createEngine({ kind: 'embedded' });
  const db = await engine.createDatabase('hard_sec');
  admin = await db.connect();
  await admin.query(`CREATE ROLE squasher LOGIN CREATEDB PASSWORD ${pg.escapeLiteral(password)}`);
  await admin.query('CREATE DATABASE victim');
  url = new URL(db.url);
  url.username = 'squasher';
  url.password = encodeURIComponent(password);
  url.pathname = '/postgres';
});
afterAll(async () => {
  await admin?.end();
  await engine?.close();
  rmSync(scratch, { recursive: true, force: true });
});

function dir(name: string, files: Record<string, string>): string {
  const d = path.join(scratch, name);
  mkdirSync(d, { recursive: true });
  for (const [f, sql] of Object.entries(files)) writeFileSync(path.join(d, f), sql);
  return d;
}

async function databases(): Promise<string[]> {
  return (await admin.query<{ datname: string }>('SELECT datname FROM pg_database ORDER BY 1')).rows.map((r) => r.datname);
}

function expectNoPassword(text: string): void {
  for (const form of [password, encodeURIComponent(password), url.password]) expect(text).not.toContain(form);
  expect(text).not.toMatch(STACK_LINE);
}

describe('url engine via the CLI: secrets and scratch databases', () => {
  it('a failing migration, in text and --json: exit 3, no password anywhere, scratch dropped', async () => {
    const before = await databases();
    const d = dir('failing', { '001_a.sql': 'CREATE TABLE a (id int);\n', '002_b.sql': `SELECT '${password}'::int;\n` });
    for (const json of [[], ['--json']]) {
      const run = await cli(['replay', d, '--engine', 'url', '--database-url', url.toString(), ...json]);
      expect(run.code, run.all).toBe(3);
      expectNoPassword(run.all);
    }
    expect(await databases()).toEqual(before);
  });

  it('a wrong password, an unreachable host, a bad URL: exit 2/4, no password anywhere', async () => {
    const d = dir('ok', { '001_a.sql': 'CREATE TABLE a (id int);\n' });
    const wrong = new URL(url.toString());
    wrong.password = encodeURIComponent(`${password}x`);
    const unreachable = new URL(url.toString());
    unreachable.port = '1';
    for (const [given, code] of [
      [wrong.toString(), 4],
      [unreachable.toString(), 4],
      [`postgres://squasher:${password}@[bad-host`, 2],
    ] as const) {
      for (const json of [[], ['--json']]) {
        const run = await cli(['replay', d, '--engine', 'url', '--database-url', given, ...json]);
        expect(run.code, run.all).toBe(code);
        expectNoPassword(run.all);
      }
    }
  });

  it('refuses an existing scratch name and leaves that database alone', async () => {
    const d = dir('ok2', { '001_a.sql': 'CREATE TABLE a (id int);\n' });
    const run = await cli(['replay', d, '--engine', 'url', '--database-url', url.toString(), '--scratch-db', 'victim']);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/scratch database "victim" already exists/);
    expect(await databases()).toContain('victim');
  });

  it('DROP DATABASE in a migration never reaches the server; the scratch database is dropped', async () => {
    const before = await databases();
    const d = dir('drop', { '001_a.sql': 'CREATE TABLE a (id int);\n', '002_b.sql': 'DROP DATABASE victim;\n' });
    const run = await cli(['replay', d, '--engine', 'url', '--database-url', url.toString()]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/002_b\.sql:1:1: refused: DROP DATABASE/);
    expect(await databases()).toEqual(before);
    expect(before).toContain('victim');
  });
});

describe('embedded cluster exposure', () => {
  it('listens on 127.0.0.1 only, on a non-default port, and asks for a password over TCP', async () => {
    const e = engine as EmbeddedEngine;
    const port = Number(new URL((await engine.createDatabase('hard_sec_probe')).url).port);
    expect(port).not.toBe(5432);
    expect((await admin.query<{ v: string }>("SELECT current_setting('listen_addresses') AS v")).rows[0]!.v).toBe('127.0.0.1');
    // Every listening socket on that port is bound to 127.0.0.1 (0100007F); none on IPv6.
    const hex = port.toString(16).toUpperCase().padStart(4, '0');
    const listening = (file: string) =>
      readFileSync(file, 'utf8').split('\n').slice(1).map((l) => l.trim().split(/\s+/)).filter((f) => f[1]?.endsWith(`:${hex}`) && f[3] === '0A').map((f) => f[1]);
    expect(listening('/proc/net/tcp')).toEqual([`0100007F:${hex}`]);
    expect(listening('/proc/net/tcp6')).toEqual([]);
    // TCP rules in pg_hba ask for a password; trust is for the private socket dir only.
    const rules = (await admin.query<{ type: string; auth_method: string }>('SELECT type, auth_method FROM pg_hba_file_rules')).rows;
    for (const r of rules.filter((x) => x.type.startsWith('host'))) expect(['scram-sha-256', 'md5', 'reject']).toContain(r.auth_method);
    const noPassword = new pg.Client({ host: '127.0.0.1', port, user: e.superuser, database: 'postgres', password: 'wrong' });
    await expect(noPassword.connect()).rejects.toThrow(/password authentication failed/);
    await noPassword.end().catch(() => undefined);
  });
});
