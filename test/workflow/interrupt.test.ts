import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runSourceCli, tempProject, tree, writeLayout } from './helpers.js';

const projects: ReturnType<typeof tempProject>[] = [];
afterEach(() => {
  for (const p of projects.splice(0)) p.cleanup();
});

const squashArgs = (p: ReturnType<typeof tempProject>) => ['squash', p.migrations, '--legacy-dir', p.legacy, '-o', p.output, '--engine', 'embedded', '--preset', 'none'];

/** Each original's SHA-256 must be found in exactly one of its two places. */
function whereabouts(p: ReturnType<typeof tempProject>, originals: Record<string, string>) {
  const now = tree(p.migrations);
  const legacy = tree(p.legacy);
  return Object.fromEntries(
    Object.keys(originals).map((rel) => [rel, [now[rel] === originals[rel] ? 'dir' : now[rel] ? 'dir:CHANGED' : '', legacy[rel] === originals[rel] ? 'legacy' : legacy[rel] ? 'legacy:CHANGED' : ''].filter(Boolean).join('+')]),
  );
}

describe('squash killed with SIGKILL at each step of the move, then squash or recover again', () => {
  const points = ['squash-before-move', 'before-manifest', 'after-manifest', 'mid-copy#2', 'after-copy#3', 'after-remove#1', 'after-remove#4', 'manifest-written-before-rename#1', 'manifest-written-before-rename#2'];
  it.each(points.flatMap((point) => [[point, 'squash'], [point, 'recover']]))('kill at %s, then %s: nothing lost', async (point, next) => {
    const p = tempProject();
    projects.push(p);
    writeLayout(p.migrations, 'diesel');
    const originals = tree(p.migrations);
    const killed = await runSourceCli(squashArgs(p), { env: { PGSQUASH_FAILPOINT: point } });
    expect(killed.code, killed.stderr).toBe(null);
    // Mid-crash, every file is still somewhere with its bytes (perhaps in both places).
    for (const [rel, places] of Object.entries(whereabouts(p, originals))) expect(places, rel).toMatch(/^(dir|legacy|dir\+legacy)$/);
    const again = await runSourceCli(next === 'squash' ? squashArgs(p) : ['recover', '--legacy-dir', p.legacy]);
    // The manifest's writes: #1 journals the move, #2 marks it done.
    const journaled = !['squash-before-move', 'before-manifest', 'manifest-written-before-rename#1'].includes(point);
    if (next === 'recover' && !journaled) {
      // Nothing was journaled: recover has nothing to do and the originals stay where they were.
      expect(again.code, again.stderr).toBe(0);
      expect(Object.values(whereabouts(p, originals)).every((w) => w === 'dir')).toBe(true);
      return;
    }
    expect(again.code, again.stderr).toBe(0);
    if (next === 'squash' && journaled) expect(again.stdout).toMatch(/finished the interrupted move of 8 file\(s\)/);
    expect(Object.values(whereabouts(p, originals)).every((w) => w === 'legacy')).toBe(true);
    expect(readFileSync(p.output, 'utf8')).toMatch(/^-- pgsquash/);
    // Emptied migration folders go too: diesel would stop at a folder without up.sql.
    expect(Object.keys(tree(p.migrations))).toEqual([]);
    expect(spawnSync('find', [p.migrations, '-mindepth', '1'], { encoding: 'utf8' }).stdout).toBe('');
    expect(existsSync(path.join(p.migrations, '.pgsquash.lock'))).toBe(false);
  });
});
