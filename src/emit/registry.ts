import type { ObjectKind } from '../catalog/model.js';
import { commentEmitter, extensionEmitter, extensionMemberEmitter, functionEmitter, schemaEmitter, viewEmitter } from './kinds/basics.js';
import { columnEmitter, constraintEmitter, indexEmitter, tableEmitter, triggerEmitter } from './kinds/tables.js';
import { compositeEmitter, domainEmitter, enumEmitter, rangeEmitter, sequenceEmitter } from './kinds/types.js';
import type { KindEmitter } from './step.js';
import { databaseSettingsEmitter, roleEmitter } from './kinds/cluster.js';
import { aggregateEmitter, castEmitter, collationEmitter, operatorClassEmitter, operatorEmitter, operatorFamilyEmitter, eventTriggerEmitter, publicationEmitter, ruleEmitter, statisticsEmitter, tsConfigEmitter, tsDictionaryEmitter } from './kinds/objects.js';
import { defaultAclEmitter, policyEmitter, privilegesEmitter } from './kinds/security.js';
import { foreignDataWrapperEmitter, serverEmitter, userMappingEmitter } from './kinds/foreign.js';

/** One emitter per model kind; keyed by every ObjectKind, so a new kind fails to compile until added here. */
export const emitters: { [K in ObjectKind]: KindEmitter<K> } = {
  schema: schemaEmitter,
  extension: extensionEmitter,
  enum: enumEmitter,
  composite: compositeEmitter,
  range: rangeEmitter,
  domain: domainEmitter,
  sequence: sequenceEmitter,
  table: tableEmitter,
  column: columnEmitter,
  constraint: constraintEmitter,
  index: indexEmitter,
  view: viewEmitter,
  function: functionEmitter,
  trigger: triggerEmitter,
  comment: commentEmitter,
  policy: policyEmitter,
  privileges: privilegesEmitter,
  defaultAcl: defaultAclEmitter,
  role: roleEmitter,
  databaseSettings: databaseSettingsEmitter,
  aggregate: aggregateEmitter,
  rule: ruleEmitter,
  statistics: statisticsEmitter,
  eventTrigger: eventTriggerEmitter,
  publication: publicationEmitter,
  collation: collationEmitter,
  tsDictionary: tsDictionaryEmitter,
  tsConfig: tsConfigEmitter,
  cast: castEmitter,
  operator: operatorEmitter,
  foreignDataWrapper: foreignDataWrapperEmitter,
  server: serverEmitter,
  userMapping: userMappingEmitter,
  operatorFamily: operatorFamilyEmitter,
  operatorClass: operatorClassEmitter,
  extensionMember: extensionMemberEmitter,
};

export function emitterFor<K extends ObjectKind>(kind: K): KindEmitter<K> {
  return emitters[kind];
}
