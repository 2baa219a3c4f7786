import { DriftError } from '../errors.js';
import type { Difference } from './compare.js';

const MAX_LISTED = 50;

/** The baseline did not rebuild the replayed database: lists each differing object. */
export function driftError(differences: Difference[]): DriftError {
  const lines = differences.slice(0, MAX_LISTED).map((d) => {
    const what = d.change === 'missing' ? 'missing from the baseline' : d.change === 'extra' ? 'only in the baseline' : `differs in ${d.fields.join(', ')}`;
    return `  ${d.id}: ${what}`;
  });
  if (differences.length > MAX_LISTED) lines.push(`  ... and ${differences.length - MAX_LISTED} more`);
  return new DriftError(`the baseline does not rebuild the replayed database: ${differences.length} difference${differences.length === 1 ? '' : 's'}`, lines);
}

/** Throws DriftError when there is any difference. */
export function assertNoDrift(differences: Difference[]): void {
  if (differences.length > 0) throw driftError(differences);
}
