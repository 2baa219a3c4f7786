import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBaseline } from '../../src/workflow/check.js';
import { regenerate } from '../../src/workflow/regenerate.js';
import { squash } from '../../src/workflow/squash.js';
import { tempProject, writeLayout } from './helpers.js';

const p = tempProject();
const opts = { engine: 'embedded' as const };
const where = () => ({ legacyDir: p.legacy, output: p.output, baseline: p.output });

beforeAll(async () => {
  writeLayout(p.migrations, 'timestamp');
  await squash(p.migrations, { ...opts, preset: 'none', legacyDir: p.legacy, output: p.output });
});
afterAll(() => p.cleanup());

describe('regenerate and check after a squash', () => {
  it('check: the fresh baseline matches legacy/ without a database', async () => {
    const result = await checkBaseline({ ...opts, ...where() });
    expect(result.headerDigest).toBe(result.currentDigest);
    expect(result.files).toBe(4);
    expect(result.changes).toEqual([]);
  });

  it('regenerate with nothing changed writes nothing', async () => {
    const before = statSync(p.output).mtimeMs;
    const text = readFileSync(p.output, 'utf8');
    const result = await regenerate({ ...opts, ...where() });
    expect(result.written).toBe(false);
    expect(readFileSync(p.output, 'utf8')).toBe(text);
    expect(statSync(p.output).mtimeMs).toBe(before);
  });

  it('after a legacy file is edited: check names it, regenerate reports the changed object and writes, check passes again', async () => {
    const file = path.join(p.legacy, '20240101000003_names.sql');
    writeFileSync(file, readFileSync(file, 'utf8').replace("DEFAULT 'anon'", "DEFAULT 'guest'"));
    const stale = await checkBaseline({ ...opts, ...where() });
    expect(stale.headerDigest).not.toBe(stale.currentDigest);
    expect(stale.changes).toEqual([{ path: '20240101000003_names.sql', change: 'changed' }]);

    const result = await regenerate({ ...opts, ...where() });
    expect(result.written).toBe(true);
    expect(result.changes.map((c) => [c.id, c.change])).toEqual([['table column public.users.name', 'changed']]);
    expect(result.changes[0]!.b).toContain("'guest'");
    expect(readFileSync(p.output, 'utf8')).toContain("DEFAULT 'guest'::text");

    const fresh = await checkBaseline({ ...opts, ...where(), full: true });
    expect(fresh.headerDigest).toBe(fresh.currentDigest);
    expect(fresh.diff?.differences).toEqual([]);
  });

  it('check --full catches a hand-made change to the baseline that the digest cannot see', async () => {
    writeFileSync(p.output, readFileSync(p.output, 'utf8').replace(/CREATE INDEX users_email_idx[^\n]*\n/, ''));
    const result = await checkBaseline({ ...opts, ...where(), full: true });
    expect(result.headerDigest).toBe(result.currentDigest);
    expect(result.diff?.differences.map((d) => d.id)).toEqual(['index public.users_email_idx']);
  });
});
