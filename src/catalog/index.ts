export { introspect, snapshot, sameDefinition, type IntrospectOptions } from './introspect.js';
export { UncoveredObjectsError } from './errors.js';
export type * from './model.js';
export { addsToExtension, type ScriptMembers } from './adopted.js';
