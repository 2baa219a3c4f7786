import type { Candidate, Layout } from './layouts/index.js';
import type { Diagnostic } from './types.js';
import { compareBytes } from './version-order.js';

/**
 * The framework's order. Where the framework cannot decide (duplicate versions) the byte order of
 * the full path decides, so the result never depends on directory listing order.
 */
export function frameworkOrder(layout: Layout, candidates: readonly Candidate[]): Candidate[] {
  return [...candidates].sort((a, b) => layout.compare(a, b) || compareBytes(a.path, b.path));
}

/** One warning per version used by more than one file, naming the files in the order used. */
export function duplicateVersions(ordered: readonly Candidate[]): Diagnostic[] {
  const groups = new Map<string, Candidate[]>();
  for (const c of ordered) {
    const group = groups.get(c.versionKey);
    if (group) group.push(c);
    else groups.set(c.versionKey, [c]);
  }
  const diagnostics: Diagnostic[] = [];
  for (const [key, group] of groups) {
    if (group.length < 2) continue;
    const paths = group.map((c) => c.path);
    // Show the versions as written (`007`, or `1 = 1.0` for Flyway), not the comparison key.
    const written = [...new Set(group.map((c) => (c.repeatable ? key : c.version)))].join(' = ');
    diagnostics.push({
      level: 'warning',
      code: 'duplicate-version',
      message:
        `${group.length} migrations share version ${written}: ${paths.join(', ')}. ` +
        `They run in byte order of the file path: ${paths.join(' → ')}. ` +
        'Many runners refuse duplicate versions; pin the order with --order-file if this is not the intended one',
      paths,
    });
  }
  return diagnostics;
}

/**
 * Says where the framework's order differs from the order a naive tool would use (a name sort for
 * numeric ids, numeric order for name-sorted layouts), because that difference is exactly where
 * squash tools go wrong and where a reader of the plan should look.
 */
export function naiveOrderNote(layout: Layout, ordered: readonly Candidate[]): Diagnostic | undefined {
  if (!layout.naiveOrder) return undefined;
  const naive = layout.naiveOrder;
  const other = [...ordered].sort((a, b) => naive.compare(a, b) || compareBytes(a.path, b.path));
  const first = other.findIndex((c, i) => c !== ordered[i]);
  if (first === -1) return undefined;
  const moved = other.filter((c, i) => c !== ordered[i]).length;
  const example = other[first] as Candidate;
  const here = ordered.indexOf(example);
  return {
    level: 'note',
    code: 'order-differs',
    message:
      `${layout.format} order differs from ${naive.label} at ${moved} of ${ordered.length} positions; ` +
      `first difference: ${example.path} runs #${here + 1} here but would be #${first + 1}`,
    paths: [example.path],
  };
}
