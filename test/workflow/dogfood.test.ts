import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildBaseline } from '../../src/workflow/baseline.js';
import { projectRoot } from '../helpers/paths.js';
import { runSourceCli, tempProject, tree } from './helpers.js';

const example = path.join(projectRoot, 'examples/saas/migrations');
const repoBaseline = path.join(projectRoot, 'output/baseline.sql');
const p = tempProject('pgsquash-dogfood-');
afterAll(() => p.cleanup());

describe('dogfood: the bundled example squashed into the repo', () => {
  it(
    "check --full passes on the repo's legacy/ and output/baseline.sql, and legacy/ holds the bundled example byte for byte",
    async () => {
      expect(existsSync(repoBaseline)).toBe(true);
      const legacy = tree(path.join(projectRoot, 'legacy'));
      delete legacy['pgsquash-manifest.json'];
      expect(legacy).toEqual(tree(example));
      const r = await runSourceCli(['check', '--full', '--legacy-dir', 'legacy', '--baseline', 'output/baseline.sql']);
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/matches the \d+ file\(s\) in legacy/);
      expect(r.stdout).toMatch(/full: replaying legacy and applying output\/baseline\.sql build the same database/);
    },
  );

  it('output/baseline.sql is byte for byte what `pgsquash baseline legacy` emits today', async () => {
    const rebuilt = await buildBaseline(path.join(projectRoot, 'legacy'), { preset: 'none', verify: false });
    expect(rebuilt.sql).toBe(readFileSync(repoBaseline, 'utf8'));
  });

  it('the same squash on a copy of the example, then check --full, passes (the mechanism the repo relies on)', async () => {
    const copy = path.join(p.root, 'examples/saas/migrations');
    cpSync(example, copy, { recursive: true });
    const originals = tree(copy);
    const squashed = await runSourceCli(['squash', 'examples/saas/migrations'], { cwd: p.root });
    expect(squashed.code, squashed.stderr).toBe(0);
    const legacy = tree(path.join(p.root, 'legacy'));
    delete legacy['pgsquash-manifest.json'];
    expect(legacy).toEqual(originals);
    expect(readdirSync(copy)).toEqual([]);
    const check = await runSourceCli(['check', '--full'], { cwd: p.root });
    expect(check.code, `${check.stdout}\n${check.stderr}`).toBe(0);
    expect(check.stdout).toContain('full: replaying legacy and applying output/baseline.sql build the same database');
  });
});
