import type { MigrationSet } from '../discover/types.js';
import { splitSql } from '../replay/index.js';

export interface Located {
  file: number;
  line: number;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The bare name of an object id: `table public.users` → `users`, `function public.f(integer)` → `f`. */
export function bareName(id: string): string {
  const identity = id.replace(/^(table column|table constraint|materialized view|foreign table|event trigger|default acl|[a-z]+) /, '');
  const head = identity.split(' on ')[0]?.replace(/\(.*$/, '') ?? identity;
  return (head.split('.').pop() ?? head).replace(/^"|"$/g, '').replace(/""/g, '"');
}

/**
 * The first statement, in the files given (in that order), whose text matches `pattern` and names
 * `name` as a word. Lines are the file's own (dbmate up sections included).
 */
export function locateStatement(set: MigrationSet, files: number[], pattern: RegExp, name: string): Located | undefined {
  const word = new RegExp(`(^|[^A-Za-z0-9_$])"?${escape(name)}"?($|[^A-Za-z0-9_$])`, 'i');
  for (const file of files) {
    const m = set.migrations[file];
    if (!m) continue;
    let statements;
    try {
      statements = splitSql(m.sql).statements;
    } catch {
      continue;
    }
    const hit = statements.find((s) => pattern.test(s.text) && word.test(s.text));
    if (hit) return { file, line: hit.line + m.startLine - 1 };
  }
  return undefined;
}
