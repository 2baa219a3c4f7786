import { InputError } from '../errors.js';
import { migrationSubfolders } from './detect.js';
import { isSqlName } from './layouts/common.js';
import type { Layout, LayoutScan, ScanContext, Stray } from './layouts/index.js';
import { layoutsByPrecedence } from './layouts/index.js';
import type { Tree } from './tree.js';
import { filesIn } from './tree.js';

/** Errors that tell the user what was looked for and what to do, never just "nothing found". */

export async function noMigrationsFound(tree: Tree, ctx: ScanContext, root: string): Promise<InputError> {
  const details = ['Looked for these layouts:'];
  for (const layout of layoutsByPrecedence) details.push(`  ${layout.format}: ${layout.pattern}`);
  details.push('  timestamp: also any supabase/migrations folder inside the directory');
  const hints = await migrationSubfolders(tree, ctx);
  if (hints.length > 0) {
    details.push(`Sub-folders that look like migration sets: ${hints.join(', ')}. Point pgsquash at one of them.`);
  }
  const sql = filesIn(tree, '').filter((f) => isSqlName(f.name)).map((f) => f.path);
  if (sql.length > 0) {
    details.push(`.sql files here that fit no layout: ${sql.join(', ')}.`);
    details.push('Rename them to fit a layout, or list them in the order to run with --order-file.');
  }
  return new InputError(`no migrations found in ${root}`, details);
}

export function straysFound(layout: Layout, strays: readonly Stray[], root: string, haveOrderFile: boolean): InputError {
  const n = strays.length;
  const details = strays.map((s) => `${s.path}: ${s.problem}`);
  details.push(
    haveOrderFile
      ? 'List them in the order file where they should run, or rename or move them.'
      : 'Rename them to fit the layout, move them out of the folder, or pass --order-file to place them explicitly' +
          ' (--format chooses another layout).',
  );
  return new InputError(`${n} file${n === 1 ? '' : 's'} in ${root} do${n === 1 ? 'es' : ''} not fit the ${layout.format} layout (${layout.pattern})`, details);
}

export function nothingToRun(layout: Layout, scan: LayoutScan, root: string): InputError {
  return new InputError(`no ${layout.format} migrations to run in ${root}`, [
    `Found ${scan.evidence}.`,
    `The ${layout.format} layout runs ${layout.pattern}.`,
  ]);
}

export function notInOrderFile(paths: readonly string[], orderFile: string): InputError {
  const n = paths.length;
  return new InputError(`${n} migration${n === 1 ? ' is' : 's are'} missing from the order file ${orderFile}`, [
    ...paths,
    'An order file must list every migration, so none is dropped by accident; add them where they should run.',
  ]);
}
