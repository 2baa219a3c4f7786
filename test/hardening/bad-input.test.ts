/**
 * Hostile and broken migration directories, run through the CLI as users run it. Each case in
 * test/fixtures/bad/<case>/ holds `migrations/` (or is generated here: too big, too many, or
 * permissions git cannot store) and `expected.json`: for `plan` and `replay`, the exit code and a
 * regex the output must match. Every run must print no stack trace and change no file; every
 * failing replay is also run as `baseline -o`, which must not leave an output file behind.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/paths.js';
import { cli, pgsquashTempDirs, snapshotTree, STACK_LINE, type Run } from './helpers.js';

interface Expectation {
  exit: number;
  message: string;
}
interface Case {
  about: string;
  generate?: 'big-file' | 'many-files' | 'unreadable';
  /** A file the case's SQL or shell command would create if it ever ran. */
  marker?: string;
  plan: Expectation;
  replay: Expectation;
  /** false: skip the `baseline -o` run (the 50 MB and 10,000-file cases: same path, double the time). */
  baseline?: boolean;
}

const fixtures = path.join(projectRoot, 'test/fixtures/bad');
const cases = readdirSync(fixtures, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
const scratch = mkdtempSync(path.join(os.tmpdir(), 'pgsquash-hard-bad-'));
// The postgres user must reach the clusters, and `nobody` the generated cases.
chmodSync(scratch, 0o755);
const engineTmp = path.join(scratch, 'tmp');
mkdirSync(engineTmp, { mode: 0o755 });
const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Builds the cases too big or too odd to commit; returns the directory holding `migrations/`. */
function generate(name: string, kind: NonNullable<Case['generate']>): string {
  const root = path.join(scratch, name);
  const dir = path.join(root, 'migrations');
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  chmodSync(root, 0o755);
  if (kind === 'big-file') {
    // 50 MB: comment lines (the splitter walks every byte), one real statement, then the error.
    const line = `-- ${'padding '.repeat(8)}\n`;
    const lines = Math.ceil((50 * 1024 * 1024) / line.length);
    writeFileSync(path.join(dir, '001_big.sql'), `CREATE TABLE big (id int);\n${line.repeat(lines)}SELECT 1;\nSELEC 2;\n`);
  } else if (kind === 'many-files') {
    for (let i = 1; i <= 10_000; i++) {
      const sql = i === 10_000 ? 'SELECT missing;\n' : `SELECT ${i};\n`;
      writeFileSync(path.join(dir, `${String(i).padStart(5, '0')}_m.sql`), sql);
    }
  } else {
    writeFileSync(path.join(dir, '001_a.sql'), 'CREATE TABLE a (id int);\n', { mode: 0o644 });
    writeFileSync(path.join(dir, '002_b.sql'), 'CREATE TABLE b (id int);\n', { mode: 0o000 });
    chmodSync(path.join(dir, '002_b.sql'), 0o000);
  }
  return root;
}

function check(run: Run, want: Expectation, what: string): void {
  expect(run.code, `${what}\n${run.all}`).toBe(want.exit);
  expect(run.all, what).toMatch(new RegExp(want.message));
  expect(run.all, what).not.toMatch(STACK_LINE);
  expect(run.all, what).not.toMatch(/unexpected error/);
}

beforeAll(() => {
  for (const marker of cases.map((c) => (JSON.parse(readFileSync(path.join(fixtures, c, 'expected.json'), 'utf8')) as Case).marker)) {
    if (marker) rmSync(marker, { force: true });
  }
});

describe.concurrent('bad input through the CLI: clear message, exit code, nothing written', () => {
  it.each(cases)('%s', async (name) => {
    const spec = JSON.parse(readFileSync(path.join(fixtures, name, 'expected.json'), 'utf8')) as Case;
    const root = spec.generate ? generate(name, spec.generate) : path.join(fixtures, name);
    // Root reads files whatever their mode: the unreadable case runs as `nobody`.
    const as = spec.generate === 'unreadable' && isRoot ? { uid: NOBODY, gid: NOBODY } : {};
    const env = { TMPDIR: engineTmp };
    const before = snapshotTree(root);

    check(await cli(['plan', 'migrations'], { cwd: root, env, ...as }), spec.plan, `${name}: plan`);
    if (spec.plan.exit !== 0) {
      // Machines get the same verdict as one JSON document on stdout.
      const json = await cli(['plan', 'migrations', '--json'], { cwd: root, env, ...as });
      expect(json.code).toBe(spec.plan.exit);
      expect((JSON.parse(json.stdout) as { error: { exitCode: number; message: string } }).error).toMatchObject({ exitCode: spec.plan.exit });
    }
    const replay = await cli(['replay', 'migrations'], { cwd: root, env, ...as });
    check(replay, spec.replay, `${name}: replay`);
    if (spec.replay.exit !== 0 && spec.baseline !== false) {
      const out = path.join(scratch, `${name}-out`);
      const baseline = await cli(['baseline', 'migrations', '-o', path.join(out, 'baseline.sql')], { cwd: root, env, ...as });
      expect(baseline.code, `${name}: baseline\n${baseline.all}`).toBe(spec.replay.exit);
      expect(baseline.all).not.toMatch(STACK_LINE);
      expect(existsSync(out), `${name}: baseline -o left ${out}`).toBe(false);
    }
    expect(snapshotTree(root), `${name}: the migration directory changed`).toEqual(before);
    if (spec.marker) expect(existsSync(spec.marker), `${name}: ${spec.marker} exists, so the command ran`).toBe(false);
  });

});

describe('after the bad-input runs', () => {
  it('covered every case, and no cluster directory is left in the engine temp dir', () => {
    expect(cases.length).toBeGreaterThanOrEqual(27);
    expect(pgsquashTempDirs(engineTmp)).toEqual([]);
  });
});
