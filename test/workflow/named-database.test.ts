/**
 * Migrations that name their database (ALTER DATABASE postgres SET ..., as platform setups do):
 * by default the change lands on another database than the one replayed, and the guard says so;
 * with --scratch-db postgres the replay runs in a database of that name, and the baseline carries
 * the change through current_database().
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UncoveredObjectsError } from '../../src/catalog/index.js';
import { buildBaseline } from '../../src/workflow/baseline.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'pgsquash-named-db-'));
writeFileSync(path.join(dir, '001_settings.sql'), `ALTER DATABASE postgres SET statement_timeout = '5s';
GRANT CONNECT ON DATABASE postgres TO PUBLIC;
COMMENT ON DATABASE postgres IS 'the app';
CREATE TABLE t (id int, db text);
INSERT INTO t VALUES (1, 'postgres');
`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a migration that names its database', () => {
  it('stops the guard with the way out when replayed under a generated name', async () => {
    const error = await buildBaseline(dir, { preset: 'none' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UncoveredObjectsError);
    expect((error as UncoveredObjectsError).objects).toContain('settings of database postgres: statement_timeout=5s');
    expect((error as UncoveredObjectsError).details.join('\n')).toContain('current_database()');
  });

  it('replays in a database of that name with --scratch-db, and the baseline carries the changes', async () => {
    const built = await buildBaseline(dir, { preset: 'none', scratchName: 'postgres' });
    expect(built.differences).toEqual([]);
    expect(built.sql).toMatch(/EXECUTE pg_catalog\.format\('ALTER DATABASE %I SET statement_timeout TO ''5s''', pg_catalog\.current_database\(\)\);/);
    expect(built.sql).toContain('COMMENT ON DATABASE %I IS');
    expect(built.catalog.objects.map((o) => o.id)).toEqual(expect.arrayContaining(['database settings', 'comment on database', 'privileges on the database']));
    // a value that happens to be the (chosen) database's name is data, not the replay's artefact
    expect(built.sql).toContain("('1', 'postgres')");
  });
});
