import { comments } from './kinds/comments.js';
import { columns, constraints, indexes, sequences, tables, views } from './kinds/relations.js';
import { functions, triggers } from './kinds/routines.js';
import { extensions, schemas } from './kinds/schema.js';
import type { KindIntrospector } from './kinds/types.js';
import { composites, domains, enums, ranges } from './kinds/usertypes.js';
import { aggregates } from './kinds/aggregates.js';
import { databaseSettings, roles } from './kinds/cluster.js';
import { eventTriggers, publications } from './kinds/database-wide.js';
import { rules, statistics } from './kinds/relation-extras.js';
import { defaultAcls, policies, privileges } from './kinds/security.js';
import { collations, tsConfigs, tsDictionaries } from './kinds/text.js';
import { casts } from './kinds/casts.js';
import { operatorClasses, operatorFamilies, operators } from './kinds/operators.js';
import { foreignDataWrappers, servers, userMappings } from './kinds/foreign.js';

/**
 * The object kinds the model covers. To add a kind (policies, grants, aggregates, ...):
 * 1. model.ts: a definition interface and a line in `KindDefs`;
 * 2. catalog/kinds/<kind>.ts: one set-based query returning KindRow columns (id and address from
 *    `selfId`, other objects named with `idOf`, def as json matching the interface, `covers` for
 *    catalog rows it accounts for), then a line below;
 * 3. emit/kinds/<kind>.ts: its steps (SQL, dependencies, sort key), then a line in emit/registry.ts
 *    — the compiler insists, since that registry is keyed by every ObjectKind.
 * Dependencies come from pg_depend generically (queries/dependencies.ts resolves every edge onto
 * model ids); edges pg_depend misses go into the emitter's step deps. The completeness guard needs
 * nothing: covered ids (the object's id and its `covers`) drop out of the enumeration.
 * Queries are TypeScript template strings, so the build needs no .sql files copied to dist.
 */
export const introspectors: readonly KindIntrospector[] = [
  schemas,
  extensions,
  enums,
  composites,
  ranges,
  domains,
  sequences,
  tables,
  columns,
  constraints,
  indexes,
  views,
  functions,
  triggers,
  comments,
  policies,
  privileges,
  defaultAcls,
  roles,
  databaseSettings,
  aggregates,
  rules,
  statistics,
  eventTriggers,
  publications,
  collations,
  tsDictionaries,
  tsConfigs,
  casts,
  operators,
  foreignDataWrappers,
  servers,
  userMappings,
  operatorFamilies,
  operatorClasses,
];
