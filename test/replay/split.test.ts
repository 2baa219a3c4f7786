import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SourceProblem } from '../../src/replay/location.js';
import { splitSql } from '../../src/replay/split.js';

const texts = (sql: string, scs = true) => splitSql(sql, { standardConformingStrings: scs }).statements.map((s) => s.text);

describe('splitSql: psql lexer rules', () => {
  it('splits on top-level semicolons and keeps offsets', () => {
    const sql = 'create table a (x int);\n  insert into a values (1);select 1';
    const { statements } = splitSql(sql);
    expect(statements.map((s) => [s.text, s.start, s.line, s.column, s.terminated])).toEqual([
      ['create table a (x int);', 0, 1, 1, true],
      ['insert into a values (1);', 26, 2, 3, true],
      ['select 1', 51, 2, 28, false],
    ]);
    for (const s of statements) expect(sql.slice(s.start, s.end)).toBe(s.text);
  });

  it('ignores semicolons in strings, identifiers, comments and dollar quotes', () => {
    const sql = [
      "select 'a;b', 'it''s;';",
      'select "x;""y";',
      'select 1 -- c;omment\n + 2;',
      'select /* a; /* nested; */ still; */ 3;',
      'select $$ a; $$, $fn$ $$; $fn$, $_1$;$_1$;',
      "select E'\\';', e'\\\\';",
      "select U&'d\\0061t;a', U&\"i;d\", B'01', X'1f', N'n;';",
    ];
    expect(texts(sql.join('\n'))).toEqual(sql);
  });

  it('does not treat $1 or identifiers with $ as dollar quotes', () => {
    expect(texts('prepare p as select $1;select a$b$ from t;select $$x$$')).toEqual([
      'prepare p as select $1;',
      'select a$b$ from t;',
      'select $$x$$',
    ]);
  });

  it('follows standard_conforming_strings: backslash escapes plain strings only when off', () => {
    const sql = "select 'a\\';' ; select 2;";
    expect(texts(sql, true)).toEqual(["select 'a\\';", "' ; select 2;"]);
    expect(texts(sql, false)).toEqual(["select 'a\\';' ;", 'select 2;']);
    expect(texts("set standard_conforming_strings = off; select 'a\\';';")).toEqual([
      'set standard_conforming_strings = off;',
      "select 'a\\';';",
    ]);
  });

  it('keeps parenthesised semicolons in one statement, as psql does', () => {
    expect(texts('create rule r as on insert to t do also (insert into a values (1); insert into b values (2)); select 1;')).toEqual([
      'create rule r as on insert to t do also (insert into a values (1); insert into b values (2));',
      'select 1;',
    ]);
  });

  it('keeps BEGIN ATOMIC bodies of functions and procedures whole, with CASE ... END inside', () => {
    const fn = 'CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT CASE WHEN x > 0 THEN 1 ELSE 2 END;\n  SELECT 3;\nEND;';
    const proc = 'create procedure p() begin atomic insert into t values (1); end;';
    expect(texts(`${fn}\n${proc}\nselect 1;`)).toEqual([fn, proc, 'select 1;']);
    // outside CREATE FUNCTION/PROCEDURE, BEGIN is a transaction statement
    expect(texts('begin; select 1; end;')).toEqual(['begin;', 'select 1;', 'end;']);
  });

  it('records top-level words, with placeholders for quoted names and strings', () => {
    const [s] = splitSql('CREATE UNIQUE INDEX CONCURRENTLY "Ix" ON t (lower(a)) WHERE b = \'x\';').statements;
    expect(s?.words).toEqual(['create', 'unique', 'index', 'concurrently', '"', 'on', 't', 'where', 'b', "'"]);
  });

  it('takes COPY FROM stdin data up to the \\. line', () => {
    const sql = 'copy t (a, b) from stdin;\n1\tx;y\\\\z\n2\t\\N\n\\.\nselect 1;';
    const { statements, chunks } = splitSql(sql);
    expect(statements.map((s) => s.text)).toEqual(['copy t (a, b) from stdin;', 'select 1;']);
    const data = statements[0]?.copyData;
    expect(data && sql.slice(data.start, data.end)).toBe('1\tx;y\\\\z\n2\t\\N\n');
    expect(chunks.map((c) => c.kind)).toEqual(['statement', 'filler', 'copy-data', 'copy-terminator', 'statement']);
  });

  it('refuses COPY FROM stdin without a \\. line', () => {
    expect(() => splitSql('select 1;\ncopy t from stdin;\n1\n2\n')).toThrow(/no end-of-data line/);
    try {
      splitSql('select 1;\ncopy t from stdin;\n1\n2\n');
    } catch (error) {
      expect((error as SourceProblem).index).toBe(10);
    }
  });

  it('refuses psql meta-commands outside strings, naming the command and its offset', () => {
    for (const [sql, command, index] of [
      ['select 1;\n\\i other.sql\n', '\\i', 10],
      ['\\set x 1', '\\set', 0],
      ['select 1 \\gset', '\\gset', 9],
      ['\\connect db', '\\connect', 0],
      ['\\! ls', '\\!', 0],
    ] as const) {
      let problem: SourceProblem | undefined;
      try {
        splitSql(sql);
      } catch (error) {
        problem = error as SourceProblem;
      }
      expect(problem).toBeInstanceOf(SourceProblem);
      expect(problem?.message).toBe(`psql meta-command ${command}: pgsquash runs SQL, not psql scripts`);
      expect(problem?.index).toBe(index);
    }
    // backslashes inside strings, comments and dollar quotes are SQL
    expect(texts("select E'\\n', $$\\i$$ -- \\i\n;")).toHaveLength(1);
  });

  it('offsets count UTF-16 units of the JS string, statements keep multi-byte text intact', () => {
    const sql = "select 'é🎉';select 'ü';";
    const { statements } = splitSql(sql);
    expect(statements.map((s) => s.text)).toEqual(["select 'é🎉';", "select 'ü';"]);
    expect(statements[1]?.start).toBe(13);
  });
});

// --- property-based -------------------------------------------------------------------------

/** Pieces that are one token each and may contain semicolons that must not split. */
const opaque = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', ';', ' ', '"', '$', 'é', '🎉', '\n') }).map((s) => `'${s.replaceAll("'", "''")}'`),
  fc.string({ unit: fc.constantFrom('a', ';', "'", ' ', '\\') }).map((s) => `E'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`),
  fc.string({ unit: fc.constantFrom('a', ';', "'", ' ', '\\', '$') }).map((s) => `"${s.replaceAll('"', '""')}"`),
  fc
    .tuple(fc.constantFrom('', 'x', 'body', '_1'), fc.string({ unit: fc.constantFrom('a', ';', "'", '$', '\n', '\\') }))
    .filter(([tag, body]) => !`${body}$`.includes(`$${tag}$`))
    .map(([tag, body]) => `$${tag}$${body}$${tag}$`),
  fc.string({ unit: fc.constantFrom('a', ';', "'", '\\', '"', ' ') }).map((s) => `--${s}\n`),
  fc.string({ unit: fc.constantFrom('a', ';', "'", '\\', '*', '"') }).filter((s) => !/\/\*|\*\//.test(`/*${s}*/`.slice(2, -2)) && !s.endsWith('*')).map((s) => `/*${s} /* in;ner */ */`),
  fc.string({ unit: fc.constantFrom('a', ';', ' ', '1') }).map((s) => `(${s})`),
);
const plain = fc.constantFrom('select', 'x', '1', '+', 'é', ' ', '\n', '::', 'a$b', '$1', 'tbl', 'then');
const statementText = fc
  .array(fc.oneof(plain, opaque), { minLength: 1, maxLength: 8 })
  .map((parts) => `select ${parts.join(' ')}`);

describe('splitSql: properties', () => {
  it('splits generated statements exactly where they were joined', () => {
    fc.assert(
      fc.property(fc.array(statementText, { minLength: 1, maxLength: 6 }), fc.constantFrom('', ' ', '\n', '\n-- c\n', ' /* x; */ '), (stmts, gap) => {
        const sql = stmts.map((s) => `${s};`).join(gap);
        expect(texts(sql)).toEqual(stmts.map((s) => `${s};`));
      }),
      { numRuns: 300 },
    );
  });

  it('partitions any input: the chunks join back to every byte, statements are their own slices', () => {
    const anyText = fc.string({ unit: fc.oneof(fc.constantFrom(';', "'", '"', '$', '-', '/', '*', '(', ')', '\n', 'e', 'E', 'U', '&', 'b', 'egin'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })) });
    fc.assert(
      fc.property(anyText.filter((s) => !s.includes('\\')), (sql) => {
        const { statements, chunks } = splitSql(sql);
        expect(chunks.map((c) => sql.slice(c.start, c.end)).join('')).toBe(sql);
        let previousEnd = 0;
        for (const c of chunks) {
          expect(c.start).toBe(previousEnd);
          expect(c.end).toBeGreaterThan(c.start);
          previousEnd = c.end;
        }
        for (const s of statements) expect(sql.slice(s.start, s.end)).toBe(s.text);
        expect(chunks.filter((c) => c.kind === 'statement')).toHaveLength(statements.length);
      }),
      { numRuns: 500 },
    );
  });
});
