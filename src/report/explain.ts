/**
 * A replay failure that says how to fix it: when a statement fails because an object does not
 * exist yet, find the later file that creates it and say to reorder.
 */
import type { MigrationSet } from '../discover/types.js';
import { ReplayFailedError, splitSql } from '../replay/index.js';

/** undefined_table, undefined_function, undefined_object, invalid_schema_name. */
const MISSING = new Set(['42P01', '42883', '42704', '3F000']);

/** The missing name as the server quotes it: `relation "x.y" does not exist` → `x.y`. */
export function missingName(message: string): string | undefined {
  return /^(?:relation|function|type|schema|role|extension|operator|sequence|index)\s+"?([^"]+?)"?(?:\(.*\))?\s+does not exist/.exec(message)?.[1] ?? /"([^"]+)"/.exec(message)?.[1];
}

const CREATES = /^\s*create\s+(?:or\s+replace\s+)?(?:(?:global|local|temp|temporary|unlogged|unique|materialized|recursive|constraint|trusted|procedural)\s+)*(table|view|function|procedure|type|domain|schema|sequence|index|extension|role|trigger|aggregate|language)\s+(?:concurrently\s+)?(?:if\s+not\s+exists\s+)?((?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*))?)/i;
const unquote = (s: string) => s.split(/\s*\.\s*/).map((p) => (p.startsWith('"') ? p.slice(1, -1).replace(/""/g, '"') : p.toLowerCase()));

/** The first later file (and line) whose statements create `name`; schema-qualified names must match the schema. */
export function findLaterCreator(set: MigrationSet, afterIndex: number, name: string): { file: number; line: number } | undefined {
  const wanted = unquote(name.includes('"') ? name : name.split('.').map((p) => `"${p}"`).join('.'));
  const want = { schema: wanted.length > 1 ? wanted[0] : undefined, name: wanted[wanted.length - 1] as string };
  for (let file = afterIndex + 1; file < set.migrations.length; file++) {
    const m = set.migrations[file]!;
    let statements;
    try {
      statements = splitSql(m.sql).statements;
    } catch {
      continue;
    }
    for (const s of statements) {
      const hit = CREATES.exec(s.text);
      if (!hit) continue;
      const parts = unquote(hit[2] as string);
      const created = { schema: parts.length > 1 ? parts[0] : undefined, name: parts[parts.length - 1] as string };
      const sameName = hit[1]?.toLowerCase() === 'schema' ? created.name === (want.schema ?? want.name) : created.name === want.name;
      if (sameName && (hit[1]?.toLowerCase() === 'schema' || !want.schema || !created.schema || created.schema === want.schema)) {
        return { file, line: s.line + m.startLine - 1 };
      }
    }
  }
  return undefined;
}

/**
 * The same error with a hint naming the later file that creates the missing object, or the error
 * unchanged when there is none.
 */
export function explainFailure(error: ReplayFailedError, set: MigrationSet): ReplayFailedError {
  const f = error.failure;
  if (f.phase !== 'migration' || !MISSING.has(f.sqlstate)) return error;
  const name = missingName(f.message);
  if (!name) return error;
  const index = set.migrations.findIndex((m) => m.absPath === f.absPath);
  if (index === -1) return error;
  const later = findLaterCreator(set, index, name);
  if (!later) return error;
  const creator = set.migrations[later.file]!;
  const failing = set.migrations[index]!;
  const hint = `"${name}" is created by ${creator.path} (line ${later.line}), which runs later; move ${failing.path} after it, or pin the order with --order-file`;
  const advice = f.advice ? `${f.advice}\n${hint}` : hint;
  return new ReplayFailedError({ ...f, advice }, error.completed, { cause: error });
}
