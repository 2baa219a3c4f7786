import type { MigrationSet } from '../../discover/types.js';

/** One `CREATE EXTENSION` found in a migration. */
export interface ExtensionUse {
  /** Extension name as Postgres sees it (unquoted names folded to lower case). */
  name: string;
  /** Migration path relative to the set's root. */
  path: string;
  /** 1-based line in the migration file. */
  line: number;
  /**
   * Inside a body that asks pg_available_extensions first (`IF EXISTS (... pg_available_extensions
   * ...) THEN CREATE EXTENSION ...`): the migration skips it where the extension is missing.
   */
  guarded?: true;
}

// `CREATE EXTENSION [IF NOT EXISTS] name`, name plain or double-quoted ("uuid-ossp", "pg_net").
const CREATE_EXTENSION = /\bcreate\s+extension\s+(?:if\s+not\s+exists\s+)?("(?:[^"]|"")+"|[a-z_\u0080-\uffff][\w$\u0080-\uffff]*)/gi;

/** A dollar-quoted body: a DO block's or a function's. */
const DOLLAR_BODY = /\$([A-Za-z_]\w*)?\$[\s\S]*?\$\1\$/g;

/** Every `CREATE EXTENSION` in the set, in migration order (comments ignored; DO bodies count). */
export function findExtensionUses(set: MigrationSet): ExtensionUse[] {
  const uses: ExtensionUse[] = [];
  for (const migration of set.migrations) {
    const text = maskComments(migration.sql);
    const guards = [...text.matchAll(DOLLAR_BODY)].filter((b) => /pg_available_extension/i.test(b[0])).map((b) => [b.index, b.index + b[0].length]);
    for (const match of text.matchAll(CREATE_EXTENSION)) {
      const raw = match[1] ?? '';
      const name = raw.startsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw.toLowerCase();
      const at = match.index ?? 0;
      const line = migration.startLine + countNewlines(text, at);
      const guarded = guards.some(([from, to]) => at > (from as number) && at < (to as number));
      uses.push({ name, path: migration.path, line, ...(guarded ? { guarded: true as const } : {}) });
    }
  }
  return uses;
}

/** Names of the extensions the migrations create, first use first, each once. */
export function requiredExtensions(set: MigrationSet): string[] {
  return [...new Set(findExtensionUses(set).map((use) => use.name))];
}

/**
 * The text with `--` and (nested) block comments replaced by spaces, line breaks kept, so match
 * offsets still give line numbers. String literals and quoted identifiers are skipped over so a
 * `--` inside them is not taken for a comment.
 */
export function maskComments(sql: string): string {
  const out = sql.split('');
  const n = sql.length;
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n' && out[k] !== '\r') out[k] = ' ';
  };
  let i = 0;
  while (i < n) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      const close = sql.indexOf(c, i + 1);
      i = close === -1 ? n : close + 1;
    } else if (c === '$') {
      // A dollar-quote tag opens a body only where an identifier cannot continue.
      const tag = /^\$(?:[A-Za-z_][\w]*)?\$/.exec(sql.slice(i, i + 64))?.[0];
      if (tag && !/[\w$]/.test(sql[i - 1] ?? '')) {
        // Bodies are scanned too (DO blocks create extensions); only their comments are masked.
        i += tag.length;
      } else {
        i++;
      }
    } else if (c === '-' && sql[i + 1] === '-') {
      const eol = sql.indexOf('\n', i);
      const end = eol === -1 ? n : eol;
      blank(i, end);
      i = end;
    } else if (c === '/' && sql[i + 1] === '*') {
      const start = i;
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--;
          i += 2;
        } else {
          i++;
        }
      }
      blank(start, i);
    } else {
      i++;
    }
  }
  return out.join('');
}

function countNewlines(text: string, end: number): number {
  let count = 0;
  for (let k = text.indexOf('\n'); k !== -1 && k < end; k = text.indexOf('\n', k + 1)) count++;
  return count;
}
