/**
 * The floor and the peers, run with the engine's own client binaries (never Debian's wrapper,
 * which adds ~25 ms per call): one `psql` session that `\i`s every file, `pg_dump --schema-only`,
 * and @pgkit/migra from an empty database (in a child process, so its pools cannot linger).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import type { Database } from '../src/engine/index.js';

const run = promisify(execFile);
const env = { ...process.env, PGOPTIONS: '', PSQLRC: '/dev/null' };

/** psql's quoting for `\i '<path>'`: backslash and single quote escaped. */
const quote = (file: string) => `'${file.replace(/[\\']/g, (c) => `\\${c}`)}'`;

export interface FloorRun {
  /** Files the runner's platform provides (preludes), run before the clock starts, without settings. */
  preludes?: string[];
  /** SQL the runner itself runs before the first migration (its history table), with the settings. */
  runnerSql?: string;
  /** The runner's session settings, as `-c name=value` startup options (PGOPTIONS). */
  pgoptions?: string;
  files: string[];
}

/** Replays `files` into `db` in one psql session (`\i` per file); returns milliseconds. */
export async function psqlReplay(binDir: string, db: Database, floor: FloorRun): Promise<number> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'pgsquash-floor-'));
  try {
    const psql = path.join(binDir, 'psql');
    const base = ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db.url];
    const session = { ...env, PGOPTIONS: floor.pgoptions ?? '' };
    for (const prelude of floor.preludes ?? []) await run(psql, [...base, '-f', prelude], { env });
    if (floor.runnerSql) await run(psql, [...base, '-c', floor.runnerSql], { env: session });
    const script = path.join(scratch, 'all.sql');
    await writeFile(script, floor.files.map((f) => `\\i ${quote(f)}\n`).join(''));
    const t0 = performance.now();
    await run(psql, [...base, '-f', script], { env: session, maxBuffer: 1 << 28 });
    return performance.now() - t0;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** `pg_dump --schema-only` of `db` to /dev/null-equivalent (output counted, not kept); returns ms and bytes. */
export async function pgDumpSchema(binDir: string, db: Database): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now();
  const bytes = await new Promise<number>((resolve, reject) => {
    const child = spawn(path.join(binDir, 'pg_dump'), ['--schema-only', '-d', db.url], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let n = 0;
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (n += chunk.length));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(n) : reject(new Error(`pg_dump exited ${code}: ${err.trim()}`))));
  });
  return { ms: performance.now() - t0, bytes };
}

/** @pgkit/migra from an empty database to `db`, timed inside a child; undefined if it is not installed. */
export async function migraFromEmpty(db: Database): Promise<{ ms: number; bytes: number } | { error: string }> {
  const child = path.join(path.dirname(new URL(import.meta.url).pathname), 'peers', 'migra.ts');
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', child, db.url], { env, maxBuffer: 1 << 28, timeout: 15 * 60_000 });
    return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { ms: number; bytes: number };
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    return { error: (e.stderr || e.message).trim().split('\n').slice(-3).join(' ') };
  }
}
