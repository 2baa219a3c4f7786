/**
 * Definitions of the phase-2 kinds: row security, privileges, cluster roles and settings, and the
 * remaining schema objects (aggregates, rules, event triggers, publications, statistics,
 * collations, text search). Same rules as model.ts: text Postgres renders, no OIDs.
 */

export interface PolicyDef {
  table: string;
  name: string;
  permissive: boolean;
  /** `ALL`, `SELECT`, `INSERT`, `UPDATE`, `DELETE`. */
  command: string;
  /** Quoted role names or `PUBLIC`, sorted. */
  roles: string[];
  using: string | null;
  check: string | null;
}

/** One exploded ACL entry. `grantee` is a quoted role, `PUBLIC`, or `OWNER` (the object's owner, whoever that is). */
export interface AclEntry {
  grantee: string;
  privilege: string;
  grantable: boolean;
}

/**
 * The explicit ACL of one object (or column), kept whole with the ACL the object starts with
 * (acldefault for its owner, or the initial privileges of an initdb or extension object), so
 * emit grants and revokes the difference and compare sees per-grantee entries. Grantors are not
 * kept: a baseline applied by a superuser grants as the owner.
 */
export interface PrivilegesDef {
  /** GRANT target: `TABLE public.t`, `SEQUENCE public.s`, `FUNCTION public.f(integer)`, `SCHEMA s`, `TYPE public.t`. */
  target: string;
  /** Quoted column name for column privileges. */
  column: string | null;
  acl: AclEntry[];
  initial: AclEntry[];
  /**
   * `grantee PRIVILEGE` pairs default privileges may add when the baseline creates the object
   * (it may or may not get them there): the ones its ACL lacks are revoked.
   */
  creation: string[];
  /** The extension the object belongs to (its grants follow CREATE EXTENSION), else null. */
  extension: string | null;
}

/** ALTER DEFAULT PRIVILEGES FOR ROLE role [IN SCHEMA schema]: entries relative to the built-in default. */
export interface DefaultAclDef {
  role: string;
  schema: string | null;
  /** `TABLES`, `SEQUENCES`, `FUNCTIONS`, `TYPES`, `SCHEMAS`. */
  objects: string;
  acl: AclEntry[];
  initial: AclEntry[];
}

/** A role the migrations created. Passwords are never read nor carried. */
export interface RoleDef {
  name: string;
  superuser: boolean;
  inherit: boolean;
  createRole: boolean;
  createDb: boolean;
  login: boolean;
  replication: boolean;
  bypassRls: boolean;
  connectionLimit: number;
  /** Timestamp literal (UTC) or null. */
  validUntil: string | null;
  /** `ALTER ROLE ... SET` for every database: `name=value` as stored. */
  settings: string[];
  /** COMMENT ON ROLE (a shared comment), as a quoted literal. */
  comment: string | null;
  /** Members of this role (GRANT this TO member), with the admin option. */
  members: { role: string; admin: boolean; /** 16+ */ inherit?: boolean; /** 16+ */ set?: boolean }[];
}

/** Settings of the current database (role null) or of a role in it: ALTER DATABASE / ROLE ... IN DATABASE ... SET. */
export interface DatabaseSettingsDef {
  role: string | null;
  /** `name=value` as stored in pg_db_role_setting. */
  settings: string[];
}

export interface AggregateDef {
  /** `public.agg(integer)` (regprocedure). */
  qname: string;
  /** The CREATE AGGREGATE statement. */
  definition: string;
}

export interface RuleDef {
  table: string;
  name: string;
  /** pg_get_ruledef, without the trailing semicolon. */
  definition: string;
  /** `O`, `D`, `R`, `A` as in pg_rewrite.ev_enabled. */
  enabled: string;
}

export interface EventTriggerDef {
  name: string;
  event: string;
  function: string;
  /** Quoted literals, sorted. */
  tags: string[];
  enabled: string;
}

export interface PublicationDef {
  name: string;
  allTables: boolean;
  /** `insert, update, delete, truncate` subset as WITH (publish = ...) takes it. */
  publish: string;
  viaRoot: boolean;
  /** `public.t`, `public.t (a, b)`, `public.t WHERE (x > 0)`, sorted. */
  tables: string[];
  /** Schemas of FOR TABLES IN SCHEMA (15+). */
  schemas: string[];
}

export interface StatisticsDef {
  table: string;
  qname: string;
  definition: string;
  /** ALTER STATISTICS ... SET STATISTICS target, when set. */
  target: number | null;
}

export interface CollationDef {
  qname: string;
  /** `c` libc, `i` icu, `b` builtin (17+). */
  provider: string;
  /** Quoted literals; `locale` for icu/builtin, lcCollate/lcCtype for libc. */
  locale: string | null;
  lcCollate: string | null;
  lcCtype: string | null;
  deterministic: boolean;
  rules: string | null;
}

export interface TsDictionaryDef {
  qname: string;
  template: string;
  /** `name = value` options as pg_ts_dict.dictinitoption holds them. */
  options: string | null;
}

export interface TsConfigDef {
  qname: string;
  parser: string;
  /** `token: dict1, dict2` per token type, by token name. */
  mappings: { token: string; dictionaries: string[] }[];
}

export interface CastDef {
  /** Source and target types as format_type names them. */
  source: string;
  target: string;
  /** f: a function, i: the types' input/output functions, b: binary coercible. */
  method: 'f' | 'i' | 'b';
  /** The function (regprocedure text) when method is f. */
  function: string | null;
  /** e: explicit only, a: in assignments, i: implicit. */
  context: 'e' | 'a' | 'i';
}

export interface OperatorDef {
  /** `schema.+`: the schema quoted, the operator's own characters as they are. */
  name: string;
  /** Argument types (format_type); left is null for a prefix operator. */
  left: string | null;
  right: string | null;
  /** Function, restriction and join estimators as regproc text. */
  function: string;
  restrict: string | null;
  join: string | null;
  /** `OPERATOR(schema.op)`. */
  commutator: string | null;
  negator: string | null;
  hashes: boolean;
  merges: boolean;
}

/** Options of the foreign-data kinds: `name 'value'` (option name quoted as needed), in stored order. */
type GenericOptions = string[];

/** A foreign-data wrapper made with CREATE FOREIGN DATA WRAPPER (an extension's belongs to it). */
export interface ForeignDataWrapperDef {
  name: string;
  /** regproc text, or null for NO HANDLER / NO VALIDATOR. */
  handler: string | null;
  validator: string | null;
  options: GenericOptions;
}

export interface ServerDef {
  name: string;
  /** The wrapper's name, quoted. */
  wrapper: string;
  /** TYPE and VERSION as quoted literals, or null. */
  type: string | null;
  version: string | null;
  options: GenericOptions;
}

/** CREATE USER MAPPING: its options are carried as written, passwords included (pg_dump does the same). */
export interface UserMappingDef {
  /** Quoted role name, or PUBLIC. */
  role: string;
  server: string;
  options: GenericOptions;
}

/** Members as written in CREATE OPERATOR CLASS / ALTER OPERATOR FAMILY ADD: `OPERATOR 1 s.<(s.t,s.t)`, `FUNCTION 1 (s.t, s.t) s.f(s.t,s.t)`. */
type OpMembers = string[];

export interface OperatorFamilyDef {
  /** `schema.name`, quoted. */
  name: string;
  /** Index access method (`btree`, `gist`, ...). */
  method: string;
  /** Loose members (ALTER OPERATOR FAMILY ... ADD), not those of its classes. */
  members: OpMembers;
}

export interface OperatorClassDef {
  name: string;
  method: string;
  /** The indexed type (format_type). */
  type: string;
  default: boolean;
  /** `schema.name` of its family. */
  family: string;
  storage: string | null;
  members: OpMembers;
}

/** An object an extension holds although its script does not make it (adopted.ts). */
export interface ExtensionMemberDef {
  /** The extension's quoted name. */
  extension: string;
  /** How ALTER EXTENSION ... ADD names the object: `FUNCTION s.f(integer)`, `TABLE s.t`. */
  target: string;
}

export interface ExtraKindDefs {
  policy: PolicyDef;
  privileges: PrivilegesDef;
  defaultAcl: DefaultAclDef;
  role: RoleDef;
  databaseSettings: DatabaseSettingsDef;
  aggregate: AggregateDef;
  rule: RuleDef;
  eventTrigger: EventTriggerDef;
  publication: PublicationDef;
  statistics: StatisticsDef;
  collation: CollationDef;
  tsDictionary: TsDictionaryDef;
  tsConfig: TsConfigDef;
  cast: CastDef;
  operator: OperatorDef;
  foreignDataWrapper: ForeignDataWrapperDef;
  server: ServerDef;
  userMapping: UserMappingDef;
  operatorFamily: OperatorFamilyDef;
  operatorClass: OperatorClassDef;
  extensionMember: ExtensionMemberDef;
}
