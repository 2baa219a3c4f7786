export { compareCatalogs, type Difference } from './compare.js';
export { assertNoDrift, driftError } from './drift.js';
