/** What the baseline text promises: order, FK cycle handling, header, options. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { replayCase } from '../roundtrip/harness.js';

describe('baseline text', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEngine({ kind: 'embedded' });
  });
  afterAll(async () => {
    await engine?.close();
  });

  async function baselineOf(name: string, options: Parameters<Awaited<ReturnType<typeof replayCase>>['baseline']>[0] = {}) {
    const replay = await replayCase(engine, name);
    try {
      return replay.baseline(options);
    } finally {
      await replay.db.drop();
    }
  }

  it('breaks an FK cycle into ALTER TABLE after both tables and inlines the rest', async () => {
    const sql = await baselineOf('fk-cycle');
    const createDepartments = sql.indexOf('CREATE TABLE public.departments');
    const createEmployees = sql.indexOf('CREATE TABLE public.employees');
    // departments sorts first; its FK to employees cannot be declared inline, so it follows both.
    const cycleFk = sql.indexOf('ALTER TABLE public.departments ADD CONSTRAINT departments_manager_fk FOREIGN KEY (manager_id) REFERENCES public.employees(id) DEFERRABLE INITIALLY DEFERRED;');
    expect(createDepartments).toBeGreaterThan(-1);
    expect(createEmployees).toBeGreaterThan(createDepartments);
    expect(cycleFk).toBeGreaterThan(createEmployees);
    // The self-reference and the FK to the earlier table are declared inline.
    const employees = sql.slice(createEmployees, sql.indexOf(';', createEmployees));
    expect(employees).toContain('CONSTRAINT employees_mentor_id_fkey FOREIGN KEY (mentor_id) REFERENCES public.employees(id)');
    expect(employees).toContain('CONSTRAINT employees_department_id_fkey FOREIGN KEY (department_id) REFERENCES public.departments(id)');
    // NOT VALID constraints are always added afterwards.
    expect(sql).toContain('ADD CONSTRAINT badges_dept_fk FOREIGN KEY (dept_id) REFERENCES public.departments(id) NOT VALID;');
  });

  it('creates a function from a later-sorting schema before the table whose default calls it', async () => {
    const sql = await baselineOf('default-later-schema');
    expect(sql.indexOf('FUNCTION zzz.new_code()')).toBeGreaterThan(-1);
    expect(sql.indexOf('FUNCTION zzz.new_code()')).toBeLessThan(sql.indexOf('CREATE TABLE aaa.things'));
    expect(sql.indexOf('FUNCTION zzz.is_code(')).toBeLessThan(sql.indexOf('CREATE TABLE aaa.things'));
    expect(sql.indexOf('CREATE DOMAIN zzz.code')).toBeLessThan(sql.indexOf('CREATE TABLE aaa.more'));
  });

  it('has the header, turns off function body checks, and never empties search_path', async () => {
    const sql = await baselineOf('sql-string-body');
    expect(sql.startsWith('-- pgsquash 0.0.0-test baseline for PostgreSQL 17\n')).toBe(true);
    expect(sql).toMatch(/^-- Replaces 1 migration file; inputs digest test$/m);
    expect(sql).toMatch(/^SET check_function_bodies = off;$/m);
    expect(sql).toMatch(/^-- The reference-data section sets session_replication_role, which requires a superuser\.$/m);
    // Only the function's own SET clause mentions search_path; the baseline never sets it.
    expect(sql).not.toMatch(/^SET search_path|set_config\('search_path'/im);
    expect(sql).not.toContain('OWNER TO');
    // The SQL-string function that reads b_data.orders comes first (schema a_api sorts first).
    expect(sql.indexOf('FUNCTION a_api.count_orders()')).toBeLessThan(sql.indexOf('CREATE TABLE b_data.orders'));
  });

  it('keeps a table, its indexes, triggers and comments together', async () => {
    const sql = await baselineOf('triggers-state');
    const blocks = sql.split('\n\n').map((b) => b.split('\n')[0]!);
    const table = blocks.findIndex((b) => b.startsWith('CREATE TABLE public.guarded'));
    expect(blocks.slice(table + 1, table + 7).every((b) => /^(CREATE (CONSTRAINT )?TRIGGER|COMMENT ON TRIGGER)/.test(b))).toBe(true);
    // Firing states that would fire during the data load are set after it.
    expect(sql.indexOf('ENABLE ALWAYS TRIGGER guarded_fail_always')).toBeGreaterThan(sql.indexOf('RESET session_replication_role'));
    expect(sql.indexOf('ENABLE REPLICA TRIGGER guarded_fail_replica')).toBeGreaterThan(sql.indexOf('RESET session_replication_role'));
    expect(sql.indexOf('DISABLE TRIGGER guarded_off')).toBeLessThan(sql.indexOf('SET session_replication_role'));
  });

  it('emits OWNER TO only with the owners option', async () => {
    const sql = await baselineOf('basic', { owners: true });
    expect(sql).toContain('ALTER TABLE app.users OWNER TO postgres;');
    expect(sql).toContain('ALTER SCHEMA app OWNER TO postgres;');
  });
});
