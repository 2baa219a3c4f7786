import type { ObjectKind } from '../model.js';

/**
 * One introspection module per object kind: a set-based query (one per kind, never one per
 * object) returning the model columns below, ordered by name. `build` in introspect.ts turns rows
 * into ModelObjects generically; the `def` json must match the kind's definition type in model.ts.
 */
export interface KindRow {
  id: string;
  /** The object's catalog address (`selfId`), so that mentions of it resolve to `id`. */
  a?: string;
  kind: ObjectKind;
  schema: string;
  name: string;
  parent: string | null;
  owner: string | null;
  def: unknown;
  covers: string[] | null;
  /**
   * The table, index and constraint kinds stand in for the guard's enumeration (common.ts
   * `modelledTable`): their rows' addresses count as enumerated, but for an index where `guarded`
   * is false (one on an extension's table, which the enumeration leaves out).
   */
  guarded?: boolean;
  /** Made by initdb (the public schema): present in every fresh database, never emitted as new. */
  preinstalled?: boolean;
}

export interface KindIntrospector {
  /** Registry key, for messages. */
  name: string;
  /** The query returns its rows column by column (queries/common.ts `columnar`). */
  columnar?: boolean;
  /** The SQL for a server (`server_version_num`), columns as in KindRow. */
  query(serverVersionNum: number): string;
}
