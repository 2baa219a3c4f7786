/**
 * Smells of a migration history, each with the file and line to look at. Lines of provenance
 * smells point at the statement that names the object (found by its text); file-level smells at
 * line 1.
 */
import type { MigrationSet } from '../discover/types.js';
import type { Provenance } from '../replay/provenance.js';
import type { ObjectTrail } from './history.js';
import { bareName, locateStatement } from './locate.js';
import type { SecurityFacts } from './security.js';
import type { SkippedCreate } from './skipped.js';

export type SmellCode =
  | 'duplicate-version'
  | 'unversioned-file'
  | 'skipped-create-differs'
  | 'skipped-create-unchecked'
  | 'recreated'
  | 'definer-without-search-path'
  | 'rls-without-policy'
  | 'exposed-without-rls';

export interface Smell {
  code: SmellCode;
  /** Path relative to the migrations directory. */
  file: string;
  line: number;
  message: string;
  details: string[];
}

export interface SmellInput {
  set: MigrationSet;
  provenance: Provenance;
  trails: ObjectTrail[];
  skipped: SkippedCreate[];
  security: SecurityFacts | null;
  label: (file: number) => string;
}

const NOT_MIGRATIONS = /down migration|undo|not a \.sql|metadata|configuration|lock file|callback|baseline/i;

export function findSmells(input: SmellInput): Smell[] {
  const { set, label } = input;
  const path = (file: number) => set.migrations[file]?.path ?? '?';
  const smells: Smell[] = [];
  for (const d of set.diagnostics.filter((x) => x.code === 'duplicate-version')) {
    for (const p of d.paths.slice(1)) smells.push({ code: 'duplicate-version', file: p, line: 1, message: `shares its version with ${d.paths[0]}; the order between them is the file name's`, details: [] });
  }
  for (const i of set.ignored.filter((x) => /\.sql$/i.test(x.path) && !NOT_MIGRATIONS.test(x.reason))) {
    smells.push({ code: 'unversioned-file', file: i.path, line: 1, message: `not run by the framework (${i.reason}); its SQL is not in the baseline`, details: [] });
  }
  for (const m of set.migrations.filter((x) => x.repeatable)) {
    smells.push({ code: 'unversioned-file', file: m.path, line: 1, message: 'repeatable migration: runs after every versioned one, again whenever it changes', details: [] });
  }
  for (const s of input.skipped) {
    if (s.unchecked) {
      smells.push({ code: 'skipped-create-unchecked', file: path(s.file), line: s.line, message: `${s.notice}; ${s.unchecked}`, details: [] });
    } else if (s.differences.length > 0) {
      smells.push({
        code: 'skipped-create-differs',
        file: path(s.file),
        line: s.line,
        message: `skipped because ${s.object ?? 'the object'} exists, and its definition differs: what the statement declares is silently lost`,
        details: s.differences,
      });
    }
  }
  smells.push(...recreated(input, path, label));
  const security = input.security;
  if (security) {
    // Only objects the migrations made or changed: a platform's own (a preset's auth tables) are
    // not theirs to answer for, and no file could be named.
    // `strict`: only when a file of theirs has the statement (a platform table the migrations
    // touched may have had row security before them).
    const at = (id: string, pattern: RegExp, strict = false) => {
      const files = filesOf(input.trails, id);
      if (files.length === 0) return undefined;
      const found = locateStatement(set, [...files].reverse(), pattern, bareName(id));
      return found ?? (strict ? undefined : { file: files[0]!, line: 1 });
    };
    for (const id of security.definerWithoutSearchPath) {
      const l = at(id, /security\s+definer/i);
      if (!l) continue;
      smells.push({ code: 'definer-without-search-path', file: path(l.file), line: l.line, message: `${id} is SECURITY DEFINER without SET search_path: a caller's objects can shadow the ones it uses`, details: [] });
    }
    for (const id of security.rlsWithoutPolicy) {
      const l = at(id, /row\s+level\s+security/i, true);
      if (!l) continue;
      smells.push({ code: 'rls-without-policy', file: path(l.file), line: l.line, message: `${id} has row level security enabled but no policy: every row is hidden from non-owners`, details: [] });
    }
    for (const e of security.exposedWithoutRls) {
      const l = at(e.table, e.via === 'table grant' ? /\bgrant\b/i : /create\s+table/i);
      if (!l) continue;
      smells.push({
        code: 'exposed-without-rls',
        file: path(l.file),
        line: l.line,
        message: `${e.table} has no row level security, and ${e.roles.join(', ')} can reach it (${e.via})`,
        details: [],
      });
    }
  }
  return smells;
}

function filesOf(trails: ObjectTrail[], id: string): number[] {
  return [...new Set(trails.filter((t) => t.id === id).flatMap((t) => t.steps.map((s) => s.file)))].sort((a, b) => a - b);
}

/** Objects created, dropped, and created again under the same name. */
function recreated(input: SmellInput, path: (f: number) => string, label: (f: number) => string): Smell[] {
  const out: Smell[] = [];
  const lives = new Map<string, ObjectTrail[]>();
  for (const t of input.trails) lives.set(t.id, [...(lives.get(t.id) ?? []), t]);
  for (const [id, list] of [...lives].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (list.length < 2) continue;
    const ordered = [...list].sort((a, b) => (a.steps[0]?.file ?? -1) - (b.steps[0]?.file ?? -1));
    const again = ordered.slice(1).map((t) => t.steps.find((s) => s.action === 'created')?.file).filter((f): f is number => f !== undefined);
    if (again.length === 0) continue;
    const story = ordered.flatMap((t) => t.steps.filter((s) => s.action !== 'altered').map((s) => `${s.action} in ${label(s.file)}`)).join(', ');
    const last = again[again.length - 1] as number;
    const l = locateStatement(input.set, [last], /\bcreate\b/i, bareName(id)) ?? { file: last, line: 1 };
    out.push({ code: 'recreated', file: path(l.file), line: l.line, message: `${id}: ${story}`, details: [] });
  }
  return out;
}
