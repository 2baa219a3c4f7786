/**
 * The Supabase-flavoured fixtures squashed end to end with the preset: verified, and what the
 * migrations put in extensions' configuration tables (a pg_cron job) is carried, written so that it
 * names the database the baseline is applied to, not the replay's throwaway one.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBaseline } from '../../src/workflow/baseline.js';
import { projectRoot } from '../helpers/paths.js';

const fixtures = path.join(projectRoot, 'test', 'fixtures', 'supabase', 'migrations');

describe('supabase fixtures squashed with the preset', () => {
  it('verifies, carries the scheduled job and the sequence behind it, reports only the migrations\' smells, and twice gives the same bytes', async () => {
    const first = await buildBaseline(fixtures, { preset: 'supabase', report: true });
    // the platform's own tables (auth.*, RLS on and no policy by design) are not the migrations' smells
    const smells = first.report?.smells ?? [];
    // the same on every machine: the preset's files by name, no install path
    expect(first.report?.summary.preludes).toEqual(['preset supabase/00-roles.sql', 'preset supabase/01-platform.sql', 'preset supabase/02-auth.sql', 'preset supabase/03-storage.sql']);
    expect(smells.filter((x) => x.file === '?' || /\bauth\./.test(x.message))).toEqual([]);
    expect(first.differences).toEqual([]);
    const job = first.catalog.data?.find((t) => t.qname === 'cron.job');
    expect(job?.rows).toHaveLength(1);
    expect(job?.rows[0]).toContain("'purge-stale-profiles'");
    expect(job?.rows[0]).toContain('pg_catalog.current_database()');
    expect(first.sql).toMatch(/INSERT INTO cron\.job \(jobid, schedule, command, nodename, nodeport, database, username, active, jobname\) VALUES/);
    expect(first.sql).toContain("SELECT pg_catalog.setval('cron.jobid_seq', 1, true);");
    // the extension makes its own index on net._http_response: the baseline does not make it twice
    expect(first.sql).toContain('CREATE INDEX IF NOT EXISTS _http_response_created_idx ON net._http_response');
    expect(first.sql).not.toMatch(/pgsquash_replay_/);
    const second = await buildBaseline(fixtures, { preset: 'supabase', verify: false });
    // storage.buckets rows hold now() from the replay; the rest is byte for byte
    const stable = (sql: string) => sql.replace(/'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[.\d]*\+00'/g, 'TS');
    expect(stable(second.sql)).toBe(stable(first.sql));
  });
});
