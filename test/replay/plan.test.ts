import { describe, expect, it } from 'vitest';
import { planFile } from '../../src/replay/plan.js';
import { splitSql } from '../../src/replay/split.js';
import { classifyStatement } from '../../src/replay/statement-kind.js';

const traitsOf = (sql: string, major = 17) => splitSql(sql).statements.map((s) => classifyStatement(s.words, s.text, major));
const steps = (sql: string, mode: 'transaction' | 'none' | 'script', major = 17) =>
  planFile(mode, traitsOf(sql, major)).steps.map((s) => (s.first === s.last ? `${s.first}` : `${s.first}-${s.last}`));

describe('classifyStatement', () => {
  it('recognises statements that cannot run in a transaction block', () => {
    const cases: Array<[string, string | undefined]> = [
      ['create index concurrently i on t (a)', 'CREATE INDEX CONCURRENTLY'],
      ['CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "i" ON t (a)', 'CREATE INDEX CONCURRENTLY'],
      ['drop index concurrently if exists i', 'DROP INDEX CONCURRENTLY'],
      ['reindex (verbose) index concurrently i', 'REINDEX CONCURRENTLY'],
      ['reindex database app', 'REINDEX DATABASE'],
      ['vacuum (analyze) t', 'VACUUM'],
      ['create database x', 'CREATE DATABASE'],
      ['drop tablespace ts', 'DROP TABLESPACE'],
      ['alter system set work_mem = 1', 'ALTER SYSTEM'],
      ['alter database d set tablespace ts', 'ALTER DATABASE ... SET TABLESPACE'],
      ['alter table p detach partition c concurrently', 'DETACH PARTITION CONCURRENTLY'],
      ['create subscription s connection \'\' publication p', 'CREATE SUBSCRIPTION'],
      ['cluster', 'CLUSTER (all tables)'],
      ['cluster t using i', undefined],
      ['create index i on t (a)', undefined],
      ['create index "concurrently" on t (a)', undefined],
      ['alter database d set search_path = a', undefined],
      ['refresh materialized view concurrently m', undefined],
      ['analyze t', undefined],
    ];
    for (const [sql, expected] of cases) {
      const [s] = splitSql(sql).statements;
      expect([sql, classifyStatement(s?.words ?? [], sql, 17).nonTransactional]).toEqual([sql, expected]);
    }
  });

  it('treats ALTER TYPE ... ADD VALUE as non-transactional before PostgreSQL 12 only', () => {
    const sql = "alter type public.mood add value if not exists 'ok' after 'sad'";
    expect(traitsOf(sql, 11)[0]).toMatchObject({ addsEnumValue: true, nonTransactional: 'ALTER TYPE ... ADD VALUE' });
    expect(traitsOf(sql, 12)[0]).toEqual({ addsEnumValue: true });
    expect(traitsOf("alter type t add attribute value int", 11)[0]).toEqual({});
  });

  it('recognises transaction control and transaction-scoped statements', () => {
    expect(traitsOf('begin; start transaction; commit; end; rollback; abort; rollback to savepoint s; savepoint s; release s; prepare transaction \'x\'; commit prepared \'x\';').map((t) => t.transactionControl ?? t.nonTransactional)).toEqual([
      'open', 'open', 'close', 'close', 'close', 'close', 'inside', 'inside', 'inside', 'close', 'COMMIT PREPARED',
    ]);
    expect(traitsOf('set local a.b = 1; set search_path = x; lock t; call p(); do $$ begin commit; end $$; do $$ begin null; end $$;').map((t) => Boolean(t.needsOwnTransaction))).toEqual([
      true, false, true, true, true, false,
    ]);
    expect(traitsOf("copy t from stdin;\n1\n\\.\ncopy (select 1) to stdout; copy t from '/f';").map((t) => t.copy)).toEqual(['in', 'out', undefined]);
  });
});

describe('planFile', () => {
  const sql = 'create table t (a int); insert into t values (1); create index concurrently i on t (a); insert into t values (2); select 1;';

  it('transaction: one message inside BEGIN/COMMIT; a non-transactional statement turns the file to autocommit', () => {
    expect(planFile('transaction', traitsOf('select 1; select 2; select 3;'))).toEqual({ executed: 'transaction', wrapInTransaction: true, steps: [{ first: 0, last: 2 }] });
    const plan = planFile('transaction', traitsOf(sql));
    expect([plan.executed, plan.wrapInTransaction, plan.forcedAutocommitBy]).toEqual(['autocommit', false, 2]);
    expect(steps(sql, 'transaction')).toEqual(['0-1', '2', '3-4']);
  });

  it('none: batches runs, isolating what depends on the transaction', () => {
    expect(steps(sql, 'none')).toEqual(['0-1', '2', '3-4']);
    expect(steps("select 1; alter type e add value 'x'; select 'x'::e;", 'none')).toEqual(['0-1', '2']);
    expect(steps('select 1; set local x.y = 1; select 2;', 'none')).toEqual(['0', '1', '2']);
    // BEGIN starts a message, so statements before it are committed before the file's transaction
    expect(steps('create table a (); begin; insert into a default values; rollback; select 2;', 'none')).toEqual(['0', '1-4']);
    // inside an explicit transaction, SET LOCAL and ADD VALUE need no message of their own
    expect(steps("begin; set local x.y = 1; alter type e add value 'x'; commit; select 1;", 'none')).toEqual(['0-4']);
  });

  it('script: the whole file as one message, broken only after inline COPY data', () => {
    expect(steps(sql, 'script')).toEqual(['0-4']);
    expect(steps('select 1; copy t from stdin;\n1\n\\.\nselect 2; select 3;', 'script')).toEqual(['0-1', '2-3']);
  });
});
