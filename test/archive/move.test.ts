import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyMove, acquireLock, planMove, readManifest, recoverMoves } from '../../src/archive/index.js';
import { projectRoot } from '../helpers/paths.js';

const child = path.join(projectRoot, 'test/archive/fixtures/move-child.ts');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(fileCount = 4) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pgsquash-archive-'));
  dirs.push(root);
  const migrations = path.join(root, 'migrations');
  mkdirSync(path.join(migrations, 'sub'), { recursive: true });
  const files: string[] = [];
  for (let i = 1; i <= fileCount; i++) {
    const rel = i % 2 ? `${String(i).padStart(3, '0')}_m.sql` : `sub/${String(i).padStart(3, '0')}_m.sql`;
    // Bytes that text handling would mangle: CRLF, a BOM, non-UTF-8.
    writeFileSync(path.join(migrations, rel), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`SELECT ${i};\r\n`), Buffer.from([0xff, i])]));
    files.push(rel);
  }
  return { root, migrations, legacy: path.join(root, 'legacy'), files };
}

/** SHA-256 of every migration file wherever it is now; each must be in exactly one place. */
function locate(s: ReturnType<typeof setup>) {
  const found = new Map<string, string>();
  for (const rel of s.files) {
    const places = [path.join(s.migrations, rel), path.join(s.legacy, rel)].filter((p) => existsSync(p));
    found.set(rel, places.map((p) => createHash('sha256').update(readFileSync(p)).digest('hex')).join(','));
  }
  return found;
}

function runChild(s: ReturnType<typeof setup>, failpoint?: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', child, s.migrations, s.legacy, ...s.files], {
    cwd: projectRoot,
    env: { ...process.env, ...(failpoint ? { PGSQUASH_FAILPOINT: failpoint } : {}) },
    encoding: 'utf8',
  });
}

describe('journaled move to legacy', () => {
  it('moves every file byte-identically, keeping relative paths, and records a manifest', async () => {
    const s = setup();
    const before = locate(s);
    const record = await applyMove(await planMove(s.migrations, s.files, s.legacy));
    expect(record.state).toBe('done');
    for (const rel of s.files) {
      expect(existsSync(path.join(s.migrations, rel))).toBe(false);
      expect(existsSync(path.join(s.legacy, rel))).toBe(true);
    }
    expect(locate(s)).toEqual(before);
    const manifest = await readManifest(s.legacy);
    expect(manifest.moves).toHaveLength(1);
    expect(manifest.moves[0]!.files.map((f) => f.source).sort()).toEqual([...s.files].sort());
  });

  it('refuses to overwrite a different file already in legacy, and moves nothing', async () => {
    const s = setup();
    mkdirSync(s.legacy, { recursive: true });
    writeFileSync(path.join(s.legacy, s.files[0]!), 'something else');
    await expect(planMove(s.migrations, s.files, s.legacy)).rejects.toThrow(/refusing to overwrite/);
    for (const rel of s.files) expect(existsSync(path.join(s.migrations, rel))).toBe(true);
  });

  const killPoints = [
    'before-manifest',
    'manifest-written-before-rename',
    'after-manifest',
    'mid-copy#1',
    'mid-copy#3',
    'after-copy#2',
    'after-remove#1',
    'after-remove#4',
    'manifest-written-before-rename#2',
  ];
  it.each(killPoints)('kill -9 at %s, then recover: nothing lost, each file in one place', async (point) => {
    const s = setup();
    const before = locate(s);
    const result = runChild(s, point);
    expect(result.signal).toBe('SIGKILL');
    // Every file is in its old or its new place (possibly both, with equal bytes) after the crash.
    for (const [rel, shas] of locate(s)) {
      const want = before.get(rel)!;
      expect(shas.split(',').every((sha) => sha === want), rel).toBe(true);
    }
    await recoverMoves(s.legacy);
    const after = locate(s);
    if (point === 'before-manifest' || point === 'manifest-written-before-rename') {
      // Nothing was journaled, so nothing moved: every file is still in its old place only.
      for (const rel of s.files) expect(existsSync(path.join(s.legacy, rel))).toBe(false);
      expect(after).toEqual(before);
    } else {
      for (const rel of s.files) {
        expect(existsSync(path.join(s.migrations, rel)), rel).toBe(false);
        expect(after.get(rel)).toBe(before.get(rel));
      }
      const manifest = await readManifest(s.legacy);
      expect(manifest.moves.every((m) => m.state === 'done')).toBe(true);
    }
    expect(readdirSync(s.legacy, { recursive: true }).some((f) => String(f).endsWith('.pgsquash-partial'))).toBe(false);
  });

  it('a second move refuses while an interrupted one waits for recovery', async () => {
    const s = setup();
    expect(runChild(s, 'after-copy#1').signal).toBe('SIGKILL');
    await expect(planMove(s.migrations, s.files.slice(1), s.legacy).then(applyMove)).rejects.toMatchObject({
      message: expect.stringMatching(/was interrupted/),
      details: [expect.stringMatching(/pgsquash recover/)],
    });
  });

  it('rejects a journal whose paths escape the legacy dir', async () => {
    const s = setup();
    mkdirSync(s.legacy, { recursive: true });
    const evil = { format: 1, moves: [{ id: 'x', state: 'moving', startedAt: '', sourceRoot: s.migrations, files: [{ source: '../../etc/passwd', dest: 'a.sql', sha256: '0'.repeat(64), size: 1 }] }] };
    writeFileSync(path.join(s.legacy, 'pgsquash-manifest.json'), JSON.stringify(evil));
    await expect(recoverMoves(s.legacy)).rejects.toMatchObject({
      details: [expect.stringMatching(/unsafe path "\.\.\/\.\.\/etc\/passwd"/)],
    });
  });
});

describe('directory lock', () => {
  it('a second holder is refused with the first holder named; a stale lock is taken over', async () => {
    const s = setup(1);
    const lock = await acquireLock(s.root, 'squash');
    await expect(acquireLock(s.root, 'squash')).rejects.toThrow(new RegExp(`pid ${process.pid}`));
    await lock.release();
    writeFileSync(path.join(s.root, '.pgsquash.lock'), JSON.stringify({ pid: 2 ** 22 + 7, host: os.hostname(), startedAt: 'then', command: 'squash' }));
    const second = await acquireLock(s.root, 'squash');
    await second.release();
    expect(existsSync(path.join(s.root, '.pgsquash.lock'))).toBe(false);
  });
});
