/**
 * A disk that fills up while pgsquash writes: the baseline output and the move into legacy/. Uses
 * a small tmpfs (needs root and mount permission); without them the tests skip, saying why.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyMove, planMove, recoverMoves } from '../../src/archive/index.js';
import { cli, STACK_LINE } from './helpers.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'pgsquash-hard-full-'));
chmodSync(scratch, 0o755);
const engineTmp = path.join(scratch, 'tmp');
mkdirSync(engineTmp, { mode: 0o755 });
const mounts: string[] = [];

function smallDisk(name: string, size: string): string | undefined {
  const dir = path.join(scratch, name);
  mkdirSync(dir);
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  mounts.push(dir);
  return dir;
}
const probe = smallDisk('probe', '16k');
const canMount = probe !== undefined;
if (!canMount) console.warn('disk-full tests skipped: cannot mount a tmpfs here (needs root and mount permission)');

afterAll(() => {
  for (const m of mounts.reverse()) spawnSync('umount', [m]);
  rmSync(scratch, { recursive: true, force: true });
});

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe.skipIf(!canMount)('disk full (tmpfs)', () => {
  it('baseline -o onto a full disk: exit 4 with a clear message, no file and no temp file left', async () => {
    const disk = smallDisk('out', '64k')!;
    const migrations = path.join(scratch, 'migrations');
    mkdirSync(migrations);
    // About 250 KB of reference data in the baseline: more than the 64 KB disk holds.
    writeFileSync(path.join(migrations, '001_a.sql'), "CREATE TABLE a (id int PRIMARY KEY, note text);\nINSERT INTO a SELECT g, repeat('x', 100) FROM generate_series(1, 2000) g;\n");
    const run = await cli(['baseline', 'migrations', '-o', 'out/baseline.sql'], { cwd: scratch, env: { TMPDIR: engineTmp } });
    expect(run.code, run.all).toBe(4);
    expect(run.stderr).toMatch(/cannot write out\/baseline\.sql: ENOSPC: no space left on device/);
    expect(run.stderr).toMatch(/Nothing was written/);
    expect(run.all).not.toMatch(STACK_LINE);
    expect(readdirSync(disk)).toEqual([]);
  });

  it('the move into legacy/ on a full disk: fails, loses nothing, and recover finishes once there is room', async () => {
    const legacy = smallDisk('legacy', '40k')!;
    const source = path.join(scratch, 'src');
    mkdirSync(source);
    const files = Array.from({ length: 6 }, (_, i) => `00${i + 1}_m.sql`);
    const before = new Map<string, string>();
    for (const [i, f] of files.entries()) {
      writeFileSync(path.join(source, f), `-- ${i}\n${'SELECT 1;\n'.repeat(1600)}`); // 16 KB each, 96 KB in all
      before.set(f, sha(path.join(source, f)));
    }
    await expect(planMove(source, files, legacy).then(applyMove)).rejects.toMatchObject({ code: 'ENOSPC' });
    // Each file is whole in at least one place; nothing partial is left in legacy/.
    for (const f of files) {
      const places = [path.join(source, f), path.join(legacy, f)].filter((p) => existsSync(p));
      expect(places.length, f).toBeGreaterThanOrEqual(1);
      for (const p of places) expect(sha(p), p).toBe(before.get(f));
    }
    expect(readdirSync(legacy).filter((e) => /partial|\.tmp-/.test(e))).toEqual([]);
    expect(spawnSync('mount', ['-o', 'remount,size=1m', legacy]).status).toBe(0);
    await recoverMoves(legacy);
    for (const f of files) {
      expect(existsSync(path.join(source, f)), f).toBe(false);
      expect(sha(path.join(legacy, f))).toBe(before.get(f));
    }
  });
});
