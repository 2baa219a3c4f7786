import { createHash } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discover } from '../../src/discover/index.js';
import { InputError } from '../../src/errors.js';
import { fullText, tempTree, thrown } from './helpers.js';

const paths = (set: { migrations: { path: string }[] }) => set.migrations.map((m) => m.path);
const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

describe('file contents', () => {
  it('strips a UTF-8 BOM from sql but hashes the bytes on disk', async () => {
    const content = bytes([0xef, 0xbb, 0xbf], 'create table a();\n');
    const dir = await tempTree({ '001_a.sql': content });
    const [m] = (await discover(dir, {})).migrations;
    expect(m?.sql).toBe('create table a();\n');
    expect(m?.sha256).toBe(createHash('sha256').update(content).digest('hex'));
    expect(m?.sha256).not.toBe(createHash('sha256').update('create table a();\n').digest('hex'));
  });

  it('keeps CRLF line endings as they are', async () => {
    const dir = await tempTree({ '001_a.sql': 'create table a (\r\n  id int\r\n);\r\n' });
    expect((await discover(dir, {})).migrations[0]?.sql).toBe('create table a (\r\n  id int\r\n);\r\n');
  });

  it('refuses invalid UTF-8 with the file, the exact byte offset and the line', async () => {
    // 10 bytes of line 1, then "select 'é" (8 ASCII bytes + 2 for é): the bad 0xC3 0x28 starts at
    // byte 20, which is line 2, character column 10.
    const content = bytes('select 1;\n', "select 'é", [0xc3, 0x28], "';\n");
    const dir = await tempTree({ '001_a.sql': 'select 0;', '002_latin1.sql': content });
    const error = await thrown(() => discover(dir, {}));
    expect(error).toBeInstanceOf(InputError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('002_latin1.sql: invalid UTF-8 at byte offset 20');
    expect(fullText(error)).toContain('byte 0xC3 is followed by 0x28');
    const location = (error as InputError).location;
    expect(location).toEqual({ file: path.join(dir, '002_latin1.sql'), line: 2, column: 10 });
  });

  it('reports a lone continuation byte and a truncated sequence at their offsets', async () => {
    const lone = await tempTree({ '001_a.sql': bytes('ab', [0x80]) });
    expect((await thrown(() => discover(lone, {}))).message).toContain('byte offset 2');
    const cut = await tempTree({ '001_a.sql': bytes('select 1; -- ', [0xe2, 0x82]) });
    const error = await thrown(() => discover(cut, {}));
    expect(error.message).toContain('byte offset 13');
    expect(fullText(error)).toContain('ends inside the multi-byte sequence');
  });

  it('warns about empty and comment-only files but keeps them in order', async () => {
    const dir = await tempTree({
      '001_a.sql': 'create table a();',
      '002_empty.sql': '',
      '003_blank.sql': '  \n\t\r\n',
      '004_comments.sql': '-- nothing yet\n/* a /* nested */ block */\n',
      '005_b.sql': '/* comment */ select 1;',
    });
    const set = await discover(dir, {});
    expect(paths(set)).toHaveLength(5);
    const empty = set.diagnostics.filter((d) => d.code === 'empty-file');
    expect(empty.map((d) => d.paths[0])).toEqual(['002_empty.sql', '003_blank.sql', '004_comments.sql']);
    expect(empty.every((d) => d.level === 'warning')).toBe(true);
  });
});

describe('order file', () => {
  const files = {
    '001_a.sql': 'create table a();',
    '002_b.sql': 'create table b();',
    '003_c.sql': 'create table c();',
    'add-document-relationships.sql': 'create table d();',
  };

  it('pins the order, places files that fit no layout, and skips comments and blank lines', async () => {
    const dir = await tempTree({
      ...files,
      'order.txt': '# run c before b\n\n001_a.sql\n./003_c.sql\n  002_b.sql  \nadd-document-relationships.sql\n',
    });
    const set = await discover(dir, { orderFile: path.join(dir, 'order.txt') });
    expect(paths(set)).toEqual(['001_a.sql', '003_c.sql', '002_b.sql', 'add-document-relationships.sql']);
    expect(set.migrations.map((m) => m.orderFileLine)).toEqual([3, 4, 5, 6]);
    expect(set.formatReason).toContain(`order pinned by the order file ${path.join(dir, 'order.txt')}`);
    expect(set.migrations[3]?.name).toBe('add-document-relationships');
    expect(set.ignored.find((i) => i.path === 'order.txt')?.reason).toBe('the order file');
    expect(set.diagnostics.some((d) => d.code === 'duplicate-version' || d.code === 'order-differs')).toBe(false);
  });

  it('names every path that does not exist', async () => {
    const dir = await tempTree({ ...files, 'order.txt': '001_a.sql\n002_b.sql\n004_gone.sql\n003_c.sql\nadd-document-relationships.sql\nnope.sql\n' });
    const error = await thrown(() => discover(dir, { orderFile: path.join(dir, 'order.txt') }));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain('2 paths in the order file do not exist');
    expect(error.details).toEqual(['line 3: 004_gone.sql', 'line 6: nope.sql']);
  });

  it('lists migrations the order file leaves out', async () => {
    const dir = await tempTree({ ...files, 'order.txt': '003_c.sql\nadd-document-relationships.sql\n' });
    const error = await thrown(() => discover(dir, { orderFile: path.join(dir, 'order.txt') }));
    expect(error.message).toContain('2 migrations are missing from the order file');
    expect(error.details.slice(0, 2)).toEqual(['001_a.sql', '002_b.sql']);
  });

  it('still refuses strays the order file does not place', async () => {
    const dir = await tempTree({ ...files, 'order.txt': '001_a.sql\n002_b.sql\n003_c.sql\n' });
    const error = await thrown(() => discover(dir, { orderFile: path.join(dir, 'order.txt') }));
    expect(fullText(error)).toContain('add-document-relationships.sql: no numeric prefix');
  });

  it('refuses repeated lines and paths outside the directory', async () => {
    const dir = await tempTree({ ...files, 'order.txt': '001_a.sql\n../x.sql\n001_a.sql\n/etc/passwd\n' });
    const error = await thrown(() => discover(dir, { orderFile: path.join(dir, 'order.txt') }));
    expect(error.details).toEqual([
      'line 2: ../x.sql is not a file inside the migration directory',
      'line 3: 001_a.sql is already listed on line 1',
      'line 4: /etc/passwd is absolute; write it relative to the migration directory',
    ]);
  });

  it('can include a file the layout ignores, and says so', async () => {
    const dir = await tempTree({
      '20240101000000_a/up.sql': 'create table a();',
      '20240102000000_b/up.sql': 'create table b();',
      'data_fix.sql': 'update a set x = 1;',
      'order.txt': '20240101000000_a\n20240102000000_b/up.sql\ndata_fix.sql\n',
    });
    const set = await discover(dir, { orderFile: path.join(dir, 'order.txt') });
    expect(set.format).toBe('diesel');
    expect(paths(set)).toEqual(['20240101000000_a/up.sql', '20240102000000_b/up.sql', 'data_fix.sql']);
    expect(set.ignored.some((i) => i.path === 'data_fix.sql')).toBe(false);
    expect(set.diagnostics.find((d) => d.code === 'order-file-includes')?.paths).toEqual(['data_fix.sql']);
  });

  it('combines sub-folders and detects their layout from the files it lists', async () => {
    const up = (sql: string) => `-- migrate:up\n${sql}\n-- migrate:down\n`;
    const dir = await tempTree({
      'init-scripts/00000000000000-initial.sql': up('create role admin;'),
      'migrations/10000000000000_demote.sql': up('alter role admin nosuperuser;'),
      'migrations/20211115181400_update.sql': up('select 1;'),
    });
    const orderFile = path.join(dir, '..', `${path.basename(dir)}.order`);
    const { writeFile, rm } = await import('node:fs/promises');
    await writeFile(orderFile, 'init-scripts/00000000000000-initial.sql\nmigrations/10000000000000_demote.sql\nmigrations/20211115181400_update.sql\n');
    try {
      const set = await discover(dir, { orderFile });
      expect(set.format).toBe('dbmate');
      expect(set.formatReason).toContain('init-scripts/, migrations/');
      expect(set.migrations.map((m) => m.sql)).toEqual(['create role admin;\n', 'alter role admin nosuperuser;\n', 'select 1;\n']);
      await writeFile(orderFile, 'init-scripts/00000000000000-initial.sql\nmigrations/20211115181400_update.sql\n');
      const error = await thrown(() => discover(dir, { orderFile }));
      expect(error.details[0]).toBe('migrations/10000000000000_demote.sql');
    } finally {
      await rm(orderFile, { force: true });
    }
  });

  it('reports a missing order file', async () => {
    const dir = await tempTree(files);
    expect((await thrown(() => discover(dir, { orderFile: path.join(dir, 'missing.txt') }))).message).toContain('order file not found');
  });
});

describe('detection', () => {
  it('says which layouts it looked for and which sub-folders look like migration sets', async () => {
    const dir = await tempTree({
      'README.md': '# storage',
      'tenant/0001-init.sql': 'select 1;',
      'tenant/0002-more.sql': 'select 2;',
      'multitenant/0001-init.sql': 'select 1;',
    });
    const error = await thrown(() => discover(dir, {}));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(`no migrations found in ${dir}`);
    const text = fullText(error);
    for (const format of ['prisma', 'diesel', 'flyway', 'dbmate', 'golang-migrate', 'timestamp', 'numbered']) {
      expect(text).toContain(`  ${format}: `);
    }
    expect(text).toContain('multitenant/ (numbered, 1 migrations), tenant/ (numbered, 2 migrations)');
  });

  it('names .sql files that fit no layout when nothing else is there', async () => {
    const dir = await tempTree({ 'schema.sql': 'create table a();', 'seed.sql': 'insert into a default values;' });
    expect(fullText(await thrown(() => discover(dir, {})))).toContain('.sql files here that fit no layout: schema.sql, seed.sql');
  });

  it('refuses a missing directory, a file, and an unknown format', async () => {
    const dir = await tempTree({ '001_a.sql': 'select 1;' });
    expect((await thrown(() => discover(path.join(dir, 'nope'), {}))).message).toContain('migration directory not found');
    expect((await thrown(() => discover(path.join(dir, '001_a.sql'), {}))).message).toContain('not a directory');
    // The CLI passes user strings through; a bad one must be an input error, not a crash.
    const bad = { format: 'liquibase' } as unknown as Parameters<typeof discover>[1];
    expect((await thrown(() => discover(dir, bad))).message).toContain('unknown migration format "liquibase"');
  });

  it('lets --format override detection and says so', async () => {
    const dir = await tempTree({ '20240101000000_a.sql': '-- migrate:up\nselect 1;\n-- migrate:down\nselect 2;\n' });
    const auto = await discover(dir, {});
    expect(auto.format).toBe('dbmate');
    expect(auto.migrations[0]?.sql).toBe('select 1;\n');
    const forced = await discover(dir, { format: 'timestamp' });
    expect(forced.format).toBe('timestamp');
    expect(forced.formatReason).toContain('set by --format timestamp');
    expect(forced.migrations[0]?.sql).toContain('select 2;');
  });

  it('picks the layout that accounts for most files and says why', async () => {
    const dir = await tempTree({ 'V1__a.sql': 'select 1;', 'V2__b.sql': 'select 2;', 'V3__c.sql': 'select 3;', '001_x.sql': 'select 4;' });
    const error = await thrown(() => discover(dir, {}));
    // flyway (3) beats numbered (1); the numbered file is then a stray of the flyway layout.
    expect(error.message).toContain('1 file in');
    expect(error.message).toContain('does not fit the flyway layout');
    expect(fullText(error)).toContain('001_x.sql: not V<version>__<description>.sql');
    const ok = await tempTree({ 'V1__a.sql': 'select 1;', 'V2__b.sql': 'select 2;' });
    expect((await discover(ok, {})).formatReason).toContain('auto-detected: 2 versioned');
  });

  it('is deterministic regardless of the order files were created in', async () => {
    const names = ['0003_c.sql', '0001_a.sql', '0010_j.sql', '0002_b.sql', '0002_a.sql', '.hidden.sql', 'notes.txt'];
    const forward = await tempTree(Object.fromEntries(names.map((n) => [n, `-- ${n}\nselect 1;`])));
    const backward = await tempTree(Object.fromEntries([...names].reverse().map((n) => [n, `-- ${n}\nselect 1;`])));
    const strip = (s: Awaited<ReturnType<typeof discover>>) =>
      JSON.stringify({ ...s, root: '', migrations: s.migrations.map((m) => ({ ...m, absPath: '' })) });
    const a = await discover(forward, {});
    expect(strip(a)).toBe(strip(await discover(backward, {})));
    expect(paths(a)).toEqual(['0001_a.sql', '0002_a.sql', '0002_b.sql', '0003_c.sql', '0010_j.sql']);
    expect(a.ignored).toEqual([
      { path: '.hidden.sql', reason: 'hidden entry' },
      { path: 'notes.txt', reason: 'not a .sql file' },
    ]);
  });
});
