export { emitBaseline, emitContext, objectSteps, type EmitOptions, type HeaderInfo } from './baseline.js';
export { DependencyCycleError } from './errors.js';
export type { Step } from './step.js';
