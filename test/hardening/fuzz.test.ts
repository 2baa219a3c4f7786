/**
 * Property tests: version ordering against each runtime's own rule, statement splitting of nested
 * constructs, and the journaled move killed at random points with random file counts.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { recoverMoves } from '../../src/archive/index.js';
import { isSafeRelative } from '../../src/archive/manifest.js';
import { compareBytes, compareFlywayVersions, compareIntegers, compareUtf16 } from '../../src/discover/version-order.js';
import { splitSql } from '../../src/replay/split.js';
import { projectRoot } from '../helpers/paths.js';

const sign = (n: number) => Math.sign(n);

describe('version order: the frameworks’ own rules', () => {
  const digits = fc.string({ unit: fc.constantFrom('0', '1', '2', '9'), minLength: 1, maxLength: 30 });
  const text = fc.string({ unit: fc.oneof(fc.constantFrom('a', 'B', '_', '-', '.', '0', '9', 'é', '\uFFFF'), fc.constantFrom('😀', '\u{10000}')), maxLength: 12 });

  it('compareIntegers is BigInt order (golang-migrate, numbered): any width, leading zeros ignored', () => {
    fc.assert(fc.property(digits, digits, (a, b) => {
      expect(sign(compareIntegers(a, b))).toBe(sign(Number(BigInt(a) - BigInt(b))));
    }), { numRuns: 2000 });
  });

  it('compareBytes is Go/Rust byte order of UTF-8 (Buffer.compare)', () => {
    fc.assert(fc.property(text, text, (a, b) => {
      expect(sign(compareBytes(a, b))).toBe(Buffer.compare(Buffer.from(a), Buffer.from(b)));
    }), { numRuns: 2000 });
  });

  it('compareUtf16 is Java String.compareTo order (first differing code unit, then length)', () => {
    const java = (a: string, b: string) => {
      for (let i = 0; i < Math.min(a.length, b.length); i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return a.charCodeAt(i) - b.charCodeAt(i);
      return a.length - b.length;
    };
    fc.assert(fc.property(text, text, (a, b) => {
      expect(sign(compareUtf16(a, b))).toBe(sign(java(a, b)));
    }), { numRuns: 2000 });
  });

  it('compareFlywayVersions is Flyway MigrationVersion order: BigInteger parts, missing parts are 0', () => {
    const version = fc.array(digits, { minLength: 1, maxLength: 4 }).chain((parts) => fc.constantFrom('.', '_').map((sep) => parts.join(sep)));
    const flyway = (a: string, b: string) => {
      const x = a.split(/[._]/).map(BigInt);
      const y = b.split(/[._]/).map(BigInt);
      for (let i = 0; i < Math.max(x.length, y.length); i++) {
        const d = (x[i] ?? 0n) - (y[i] ?? 0n);
        if (d !== 0n) return d < 0n ? -1 : 1;
      }
      return 0;
    };
    fc.assert(fc.property(version, version, (a, b) => {
      expect(sign(compareFlywayVersions(a, b))).toBe(flyway(a, b));
    }), { numRuns: 2000 });
  });

  it('each comparison is a total order: antisymmetric, transitive, and sorting is stable under shuffles', () => {
    for (const cmp of [compareIntegers, compareFlywayVersions] as const) {
      fc.assert(
        fc.property(fc.array(digits, { minLength: 1, maxLength: 20 }), fc.integer(), (items, seed) => {
          const sorted = [...items].sort((a, b) => cmp(a, b) || compareBytes(a, b));
          const shuffled = [...items].sort(() => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 3 - 1);
          expect(shuffled.sort((a, b) => cmp(a, b) || compareBytes(a, b))).toEqual(sorted);
          for (let i = 1; i < sorted.length; i++) expect(cmp(sorted[i - 1]!, sorted[i]!)).toBeLessThanOrEqual(0);
          for (const a of items) for (const b of items) expect(sign(cmp(a, b))).toBe(-sign(cmp(b, a)) || 0);
        }),
        { numRuns: 300 },
      );
    }
  });
});

describe('splitter: nesting', () => {
  // Bodies nest quotes, comments and dollar tags inside each other; none of their `;` may split.
  const leaf = fc.constantFrom('x', ';', ' ', '\n', "''", '""', '(', ')', 'begin', 'end', 'case');
  const body: fc.Arbitrary<string> = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      fc.array(leaf, { maxLength: 6 }).map((p) => p.join('')),
      tie('node').map((inner) => `/* ${String(inner).replaceAll('*/', '')} /* ; */ */`),
      tie('node').map((inner) => `'${String(inner).replaceAll("'", "''")}'`),
      tie('node').map((inner) => `$q$ ${String(inner).replaceAll('$q$', '')} $qq$;$qq$ $q$`),
      tie('node').map((inner) => `"${String(inner).replaceAll('"', '""')}"`),
    ),
  })).node as fc.Arbitrary<string>;

  it('a statement made of nested quotes, comments and dollar bodies is one statement', () => {
    fc.assert(
      fc.property(fc.array(body.map((b) => `select $body$${b.replaceAll('$body$', '')}$body$`), { minLength: 1, maxLength: 4 }), (stmts) => {
        const sql = stmts.map((s) => `${s};`).join('\n');
        expect(splitSql(sql).statements.map((s) => s.text)).toEqual(stmts.map((s) => `${s};`));
      }),
      { numRuns: 400 },
    );
  });

  it('nested parentheses and BEGIN ATOMIC ... CASE ... END bodies keep their semicolons', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 4 }), (parens, cases) => {
        const open = '('.repeat(parens);
        const close = ')'.repeat(parens);
        const atomic = `create function f() returns int language sql begin atomic ${Array.from({ length: cases }, () => 'select case when 1 = 1 then 1 else 2 end;').join(' ')} select 1; end`;
        const sql = `select ${open}1;2${close};\n${atomic};\nselect 3;`;
        expect(splitSql(sql).statements.map((s) => s.text)).toEqual([`select ${open}1;2${close};`, `${atomic};`, 'select 3;']);
      }),
      { numRuns: 200 },
    );
  });
});

describe('journaled move killed at random points', () => {
  const child = path.join(projectRoot, 'test/archive/fixtures/move-child.ts');
  const base = mkdtempSync(path.join(os.tmpdir(), 'pgsquash-hard-fuzz-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  const points = ['before-manifest', 'manifest-written-before-rename', 'after-manifest', 'mid-copy', 'after-copy', 'after-remove'];
  const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
  let run = 0;

  it('every SHA-256 preserved, each file in exactly one place after recover', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 9 }), fc.constantFrom(...points), fc.integer({ min: 1, max: 9 }), fc.boolean(), async (count, point, nth, nested) => {
        const root = path.join(base, `r${run++}`);
        const migrations = path.join(root, 'migrations');
        const legacy = path.join(root, 'legacy');
        const files = Array.from({ length: count }, (_, i) => (nested && i % 2 ? `sub/${i}_m.sql` : `${i}_m.sql`));
        const before = new Map<string, string>();
        for (const f of files) {
          mkdirSync(path.dirname(path.join(migrations, f)), { recursive: true });
          writeFileSync(path.join(migrations, f), Buffer.from([0xef, 0xbb, 0xbf, ...Buffer.from(`SELECT ${f};\r\n`), 0, 0xff]));
          before.set(f, sha(path.join(migrations, f)));
        }
        const failpoint = point.includes('manifest') || point === 'after-manifest' ? point : `${point}#${Math.min(nth, count)}`;
        const r = spawnSync(process.execPath, ['--import', 'tsx', child, migrations, legacy, ...files], {
          cwd: projectRoot,
          env: { ...process.env, PGSQUASH_FAILPOINT: failpoint },
          encoding: 'utf8',
        });
        expect(r.signal, `${failpoint}: ${r.stderr}`).toBe('SIGKILL');
        if (existsSync(legacy)) await recoverMoves(legacy);
        const journaled = !['before-manifest', 'manifest-written-before-rename'].includes(point);
        for (const f of files) {
          const places = [path.join(migrations, f), path.join(legacy, f)].filter((p) => existsSync(p));
          expect(places, `${failpoint} ${f}`).toHaveLength(1);
          expect(places[0]).toBe(path.join(journaled ? legacy : migrations, f));
          expect(sha(places[0]!)).toBe(before.get(f));
        }
        // (A manifest temp file killed before its rename stays behind; recovery ignores it.)
        if (existsSync(legacy)) expect(readdirSync(legacy, { recursive: true, encoding: 'utf8' }).filter((e) => /partial/.test(e))).toEqual([]);
      }),
      { numRuns: 14 },
    );
  });
});

describe('journal paths on recovery (isSafeRelative)', () => {
  const segment = fc.string({ unit: fc.constantFrom('a', 'b', '.', '-', '_', ' ', 'é'), minLength: 1, maxLength: 6 }).filter((x) => x !== '.' && x !== '..');
  it('accepts relative paths of plain segments', () => {
    fc.assert(fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), (parts) => {
      expect(isSafeRelative(parts.join('/'))).toBe(true);
    }), { numRuns: 500 });
  });
  it('rejects any path with a .. segment, an absolute or drive root, a NUL, an empty segment, or a non-string', () => {
    const evil = fc.constantFrom('..', '/', '\\', 'C:', '\0', '');
    fc.assert(fc.property(fc.array(segment, { maxLength: 3 }), evil, fc.array(segment, { maxLength: 3 }), (pre, bad, post) => {
      const p = bad === '/' || bad === 'C:' ? `${bad}${[...pre, ...post].join('/')}` : bad === '\0' ? `${[...pre, 'x\0y', ...post].join('/')}` : [...pre, bad, ...post].join(bad === '\\' ? '\\' : '/');
      if (bad === '\\' && pre.length + post.length === 0) return;
      expect(isSafeRelative(p), JSON.stringify(p)).toBe(false);
    }), { numRuns: 1000 });
    for (const v of [undefined, null, 42, {}, ['a']]) expect(isSafeRelative(v)).toBe(false);
  });
});
