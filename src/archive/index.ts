export { acquireLock, LOCK_NAME, type Lock } from './lock.js';
export { MANIFEST_NAME, readManifest, type Manifest, type MoveRecord, type MovedFile } from './manifest.js';
export { applyMove, planMove, recoverMoves, type MovePlan, type MovePlanEntry, type RecoverResult } from './move.js';
export { sha256File } from './fsync.js';
