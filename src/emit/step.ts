import type { AnyObject, ModelObject, ObjectKind } from '../catalog/model.js';

/** Sort key: (schema, group rank, group, rank within group, name). Smaller sorts first. */
export type SortKey = readonly [string, number, string, number, string];

/**
 * One unit of the baseline: a statement (or a few that belong together) placed by the
 * topological sort. An object's main step has the object's id, so dependencies on objects are
 * dependencies on their main steps; `provides` lists the other ids a step satisfies (a table's
 * columns and inline constraints).
 */
export interface Step {
  id: string;
  sql: string;
  deps: string[];
  key: SortKey;
  /** `post` runs after the data section (trigger firing states, materialized view refreshes). */
  section: 'schema' | 'post';
  provides?: string[];
  /** A table element (an FK) that may move into step `into`'s CREATE TABLE when its other deps come earlier. */
  inline?: { into: string; element: string };
  /** For CREATE TABLE steps: how to add inlined elements. */
  withElements?: (extra: string[]) => string;
}

/** Ranks of top-level kinds within a schema; sub-objects sort with their parent. */
export const groupRank = {
  schema: 0,
  extension: 1,
  type: 2,
  function: 3,
  sequence: 4,
  table: 5,
  view: 6,
  other: 9,
} as const;

/** Ranks of sub-objects right after their parent (0 is the parent itself). */
export const subRank = {
  column: 1,
  constraint: 2,
  index: 3,
  attach: 4,
  trigger: 5,
  ownedBy: 6,
  property: 7,
  // before its grants: ALTER EXTENSION ... ADD records the ACL it finds as the extension's own
  member: 7.5,
  grant: 8,
  comment: 9,
} as const;

export interface EmitContext {
  /** Every object being emitted, by id. */
  objects: Map<string, AnyObject>;
  /** Ids of objects created (not merely changed) by the migrations. */
  created: Set<string>;
  /** Emitted objects by parent id. */
  children: Map<string, AnyObject[]>;
  /** `applier`: the role applying the baseline, quoted (it owns what it creates: no OWNER TO it). */
  options: { owners: boolean; applier?: string };
  /** The sort key of an emitted object (its main step), if any. */
  keyOf(id: string): SortKey | undefined;
}

/**
 * How one kind becomes SQL. `create` yields the steps building the object; `alter` turns a
 * pre-existing version into the new one (default: drop, then create); `drop` removes a
 * pre-existing object the migrations dropped.
 */
export interface KindEmitter<K extends ObjectKind> {
  key(obj: ModelObject<K>, ctx: EmitContext): SortKey;
  create(obj: ModelObject<K>, ctx: EmitContext): Step[];
  drop(obj: ModelObject<K>): string;
  alter?(before: ModelObject<K>, after: ModelObject<K>, ctx: EmitContext): Step[];
}

export function topKey(obj: AnyObject, rank: number): SortKey {
  return [obj.schema, rank, obj.id, 0, ''];
}

/** Key of a sub-object: its parent's group, then the sub rank and own name. */
export function subKey(obj: AnyObject, rank: number, ctx: EmitContext, name: string = obj.id, parentRank: number = groupRank.table): SortKey {
  const parent = obj.parent ? ctx.keyOf(obj.parent) : undefined;
  return parent ? [parent[0], parent[1], parent[2], rank, name] : [obj.schema, parentRank, obj.parent ?? obj.id, rank, name];
}

/** The owner to write (OWNER TO), or null: owners are not emitted, or it is the role applying the baseline. */
export function ownerToWrite(owner: string | null, ctx: EmitContext): string | null {
  return ctx.options.owners && owner && owner !== ctx.options.applier ? owner : null;
}

/** `\nALTER <what> <name> OWNER TO <owner>;` when an owner is to be written (`ownerToWrite`), else nothing. */
export function ownerSql(obj: AnyObject, what: string, name: string, ctx: EmitContext): string {
  const owner = ownerToWrite(obj.owner, ctx);
  return owner ? `\nALTER ${what} ${name} OWNER TO ${owner};` : '';
}

/** An object's main step; it follows its parent (pg_depend has no edge for comments, for one). */
export function step(obj: AnyObject, sql: string, key: SortKey, extra: Partial<Step> = {}): Step {
  return { id: obj.id, sql, deps: obj.parent ? [...obj.deps, obj.parent] : obj.deps, key, section: 'schema', ...extra };
}
