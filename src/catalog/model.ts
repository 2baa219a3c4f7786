/**
 * The typed, OID-free catalog model. Every object is identified by the text Postgres itself gives it
 * through `pg_identify_object` (`"<type> <identity>"`, e.g. `table public.users`,
 * `table column public.users.id`, `index public.users_pkey`), so ids are stable across databases
 * and engines, and the completeness guard can subtract covered ids from a generic enumeration.
 *
 * Definitions hold text Postgres renders (pg_get_*def, format_type, quote_ident, regclass with an
 * empty search_path) — never hand-formatted SQL — so comparing two models is comparing JSON.
 */
import type { ExtraKindDefs } from './model-extra.js';
export type * from './model-extra.js';

/** Sequence options as Postgres stores them; numbers as text (int8). */
export interface SequenceOptions {
  type: string;
  start: string;
  increment: string;
  min: string;
  max: string;
  cache: string;
  cycle: boolean;
}

export interface SchemaDef {
  qname: string;
}

export interface ExtensionDef {
  qname: string;
  schema: string;
  version: string;
  /** Quoted literals. VERSION is emitted only when it differs from the control file's default. */
  defaultVersion: string | null;
}

export interface EnumDef {
  qname: string;
  /** Labels as quoted literals, in sort order. */
  labels: string[];
}

export interface CompositeDef {
  qname: string;
  attributes: { name: string; type: string; collation: string | null }[];
}

export interface RangeDef {
  qname: string;
  subtype: string;
  /** Non-default operator class / collation / functions only. */
  opclass: string | null;
  collation: string | null;
  canonical: string | null;
  subtypeDiff: string | null;
  multirange: string | null;
}

export interface DomainDef {
  qname: string;
  baseType: string;
  collation: string | null;
  default: string | null;
  /** Pre-17 servers: the unnamed NOT NULL flag (17+ has a named constraint in `constraints`). */
  notNull: boolean;
  constraints: { name: string; definition: string; validated: boolean }[];
}

export interface SequenceDef extends SequenceOptions {
  qname: string;
  /** UNLOGGED (Postgres 15+; a serial column's sequence follows an unlogged table). */
  unlogged: boolean;
  /** `public.t.c` when OWNED BY a column (not identity: identity sequences belong to the column). */
  ownedBy: string | null;
  /** Model id of that column, for ordering. */
  ownedById: string | null;
}

export interface TableDef {
  qname: string;
  /** `r` table, `p` partitioned table, `f` foreign table. */
  relkind: 'r' | 'p' | 'f';
  unlogged: boolean;
  /** `pg_get_partkeydef`, e.g. `RANGE (created_at)`. */
  partitionKey: string | null;
  /** Parent of a partition and its bound (`FOR VALUES ...`, `DEFAULT`). */
  partitionOf: string | null;
  partitionBound: string | null;
  /** INHERITS parents in inhseqno order (not partitions). */
  inherits: string[];
  accessMethod: string | null;
  reloptions: string[];
  /** `d` default, `n` nothing, `f` full, `i` index (with `replicaIdentityIndex`). */
  replicaIdentity: string;
  replicaIdentityIndex: string | null;
  rowSecurity: boolean;
  forceRowSecurity: boolean;
  /** The composite type of a typed table (`CREATE TABLE ... OF type`), format_type'd. */
  ofType: string | null;
  /** A foreign table's server (quoted) and options (`name 'value'`); null and [] otherwise. */
  server: string | null;
  foreignOptions: string[];
}

export interface ColumnDef {
  table: string;
  name: string;
  /** 1-based rank among the table's live columns (attnum order without dropped columns). */
  position: number;
  type: string;
  collation: string | null;
  notNull: boolean;
  /** Postgres 18+: the NOT NULL constraint's name (quoted); null before 18. */
  notNullName: string | null;
  default: string | null;
  /** `a` ALWAYS, `d` BY DEFAULT, null when not identity. */
  identity: 'a' | 'd' | null;
  identitySequence: (SequenceOptions & { qname: string }) | null;
  /** Stored generated column expression. */
  generated: string | null;
  /** False when the column only exists through inheritance / partitioning. */
  local: boolean;
  inherited: boolean;
  /** Only when different from the type's default. */
  storage: string | null;
  compression: string | null;
  statistics: number | null;
  /** Attribute options (`ALTER COLUMN ... SET (n_distinct = ...)`) as `name='value'`. */
  options: string[];
  /** A foreign table column's options (`OPTIONS (column_name 'x')`) as `name 'value'`. */
  fdwOptions: string[];
}

export interface ConstraintDef {
  table: string;
  name: string;
  /** `c` check, `p` primary key, `u` unique, `f` foreign key, `x` exclusion. */
  type: 'c' | 'p' | 'u' | 'f' | 'x';
  definition: string;
  validated: boolean;
  /** Only exists through inheritance (`conislocal` false). */
  local: boolean;
  /** Cloned from a partitioned parent's constraint (conparentid). */
  parent: string | null;
  /** FK target table id (for ordering and inlining). */
  references: string | null;
}

export interface IndexDef {
  table: string;
  qname: string;
  definition: string;
  /** The partitioned parent index this one is attached to. */
  parentIndex: string | null;
  clustered: boolean;
  /** Statistics targets set on expression columns (`ALTER INDEX ... ALTER COLUMN n SET STATISTICS`). */
  statistics: { column: number; target: number }[];
  /**
   * On a table of an extension: its script may have made the index (CREATE EXTENSION makes it
   * again), or a migration did; indexes are no extension members, so the catalog cannot tell.
   */
  extensionTable: boolean;
}

export interface ViewDef {
  qname: string;
  materialized: boolean;
  definition: string;
  reloptions: string[];
  accessMethod: string | null;
  populated: boolean;
  /** Column defaults of an updatable view (ALTER VIEW ... SET DEFAULT), in column order. */
  defaults: { column: string; expression: string }[];
  /** Its columns, `name type`, in order: what CREATE OR REPLACE VIEW may only extend. */
  columns: string[];
}

export interface FunctionDef {
  qname: string;
  /** `f` function, `p` procedure, `w` window. */
  prokind: string;
  definition: string;
}

export interface TriggerDef {
  table: string;
  name: string;
  definition: string;
  /** `O` origin (default), `D` disabled, `R` replica, `A` always. */
  enabled: string;
  /** Cloned from a partitioned parent's trigger (created by ATTACH PARTITION). */
  cloned: boolean;
}

export interface CommentDef {
  /** `TABLE public.t`, `COLUMN public.t.c`, `CONSTRAINT c ON public.t`, ... */
  target: string;
  /** The comment as a quoted literal. */
  text: string;
}

/** Kind name → definition type. Add a kind here, then the compiler asks for its emitter. */
export interface KindDefs extends ExtraKindDefs {
  schema: SchemaDef;
  extension: ExtensionDef;
  enum: EnumDef;
  composite: CompositeDef;
  range: RangeDef;
  domain: DomainDef;
  sequence: SequenceDef;
  table: TableDef;
  column: ColumnDef;
  constraint: ConstraintDef;
  index: IndexDef;
  view: ViewDef;
  function: FunctionDef;
  trigger: TriggerDef;
  comment: CommentDef;
}
export type ObjectKind = keyof KindDefs;

export interface ModelObject<K extends ObjectKind = ObjectKind> {
  /** `pg_identify_object` type and identity: `table public.users`. */
  id: string;
  kind: K;
  /** Schema the object lives in (its own name for schemas); '' when none. */
  schema: string;
  /** Sort name within its schema (unquoted). */
  name: string;
  /** Owning object (table of a column, target of a comment). */
  parent: string | null;
  /** Role name; emitted only with the `owners` option. */
  owner: string | null;
  def: KindDefs[K];
  /** Ids this object depends on (pg_depend plus what it misses), sorted. */
  deps: string[];
  /** Other catalog ids this object accounts for (e.g. a domain's constraints). */
  covers: string[];
}

export type AnyObject = { [K in ObjectKind]: ModelObject<K> }[ObjectKind];

/** Rows of one table, each rendered by Postgres as a `(v1, v2, ...)` tuple of literals. */
export interface TableData {
  table: string;
  qname: string;
  columns: string[];
  overridingSystemValue: boolean;
  /** The table existed before the migrations and they changed its rows: delete, then insert. */
  replace: boolean;
  rows: string[];
  /** An extension's configuration table: only rows where this holds (`WHERE ...`) are the users'. */
  rowFilter?: string;
}

export interface SequenceState {
  sequence: string;
  /** Quoted literal of the qualified name, for `setval`. */
  literal: string;
  lastValue: string;
  isCalled: boolean;
}

/** A pre-existing object the migrations changed: both versions, so emit can replace it. */
export interface ChangedObject {
  before: AnyObject;
  after: AnyObject;
}

export interface Catalog {
  serverVersionNum: number;
  /** Objects created or changed by the migrations (changed ones also listed in `changed`), sorted by id. */
  objects: AnyObject[];
  changed: ChangedObject[];
  /** Pre-existing objects the migrations dropped. */
  removed: AnyObject[];
  /**
   * Ids of changed pre-existing views the baseline drops and makes again (CREATE OR REPLACE cannot
   * reach them, or they read one that is): all are in `changed`.
   */
  rebuilt: string[];
  /** Present when introspected with `includeData`. */
  data: TableData[] | null;
  sequences: SequenceState[] | null;
}

/** The state after the preludes: everything the migrations may build on. JSON-serializable. */
export interface CatalogSnapshot {
  serverVersionNum: number;
  objects: AnyObject[];
  /** Every catalog object id (`pg_identify_object`), modelled or not, for the completeness guard. */
  identities: string[];
  /** Table id → digest of its rows, to notice migrations writing into pre-existing tables. */
  tableDigests: Record<string, string>;
  /** Every sequence's position. */
  sequences: SequenceState[];
}
