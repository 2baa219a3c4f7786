/**
 * Output paths (`-o`, and for the squash command `--legacy-dir` and the report) cannot leave the
 * project directory through `..` or a symbolic link unless given as absolute paths.
 */
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveOutputPath } from '../../src/util/paths.js';
import { cli, STACK_LINE } from './helpers.js';

const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'pgsquash-hard-paths-')));
const project = path.join(base, 'project');
const outside = path.join(base, 'outside');
mkdirSync(path.join(project, 'out'), { recursive: true });
mkdirSync(outside);
symlinkSync(outside, path.join(project, 'escape'));
symlinkSync(path.join(project, 'out'), path.join(project, 'inner-link'));
symlinkSync(path.join(outside, 'target.sql'), path.join(project, 'file-link.sql'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('resolveOutputPath', () => {
  const at = (given: string) => resolveOutputPath(given, { cwd: project, flag: '-o' });

  it('keeps relative paths inside the project, existing or not, through links that stay inside', () => {
    expect(at('baseline.sql')).toBe(path.join(project, 'baseline.sql'));
    expect(at('output/deep/new/baseline.sql')).toBe(path.join(project, 'output/deep/new/baseline.sql'));
    expect(at('out/../out/b.sql')).toBe(path.join(project, 'out/b.sql'));
    expect(at('inner-link/b.sql')).toBe(path.join(project, 'inner-link/b.sql'));
  });

  it.each([
    ['../outside/b.sql', 'a .. that climbs out'],
    ['out/../../outside/b.sql', 'a .. after a folder'],
    ['escape/b.sql', 'a linked folder pointing out'],
    ['escape/new/dir/b.sql', 'new folders under a linked folder pointing out'],
    ['file-link.sql', 'a file link pointing out'],
  ])('refuses %s (%s), naming where it leads', (given) => {
    expect(() => at(given)).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringMatching(new RegExp(`^-o ${given.replaceAll('.', '\\.')}: resolves to ${outside}.*, outside the project directory ${project}$`)) }));
  });

  it('takes absolute paths as the explicit choice they are; refuses empty and NUL', () => {
    expect(resolveOutputPath(path.join(outside, 'b.sql'), { cwd: project })).toBe(path.join(outside, 'b.sql'));
    expect(() => at('')).toThrow(/not a usable path/);
    expect(() => at('a\0b.sql')).toThrow(/not a usable path/);
  });
});

describe('baseline -o through the CLI', () => {
  it('refuses an escaping -o before any replay, writes nothing outside', async () => {
    mkdirSync(path.join(project, 'migrations'), { recursive: true });
    writeFileSync(path.join(project, 'migrations', '001_a.sql'), 'CREATE TABLE a (id int);\n');
    for (const given of ['../outside/baseline.sql', 'escape/baseline.sql']) {
      const run = await cli(['baseline', 'migrations', '-o', given], { cwd: project });
      expect(run.code, run.all).toBe(2);
      expect(run.stderr).toMatch(/outside the project directory/);
      expect(run.stderr).not.toMatch(/embedded Postgres/);
      expect(run.all).not.toMatch(STACK_LINE);
    }
    expect(existsSync(path.join(outside, 'baseline.sql'))).toBe(false);
  });
});
