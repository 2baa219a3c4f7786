import type { ViewDef } from './model.js';

/**
 * Whether CREATE OR REPLACE VIEW turns `before` into `after`: neither materialized, every column
 * kept in its place with its type, new ones only at the end. Otherwise the view is dropped and
 * made again (emit), with what hangs on it (introspect's delta).
 */
export function viewReplaceable(before: ViewDef, after: ViewDef): boolean {
  return !before.materialized && !after.materialized && before.columns.every((c, i) => after.columns[i] === c);
}
