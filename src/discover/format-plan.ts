import type { MigrationSet } from './types.js';

/**
 * The plan as people read it: one row per migration in run order, then what deserves a look.
 * Plain text with no colour so it can go to a file or a CI log unchanged.
 */
export function formatPlan(set: MigrationSet): string {
  const out: string[] = [];
  out.push(`Migrations in ${set.root}`);
  out.push(`Format: ${set.format} (${set.formatReason})`);
  out.push('');
  const header = ['#', 'version', 'name', 'path', 'transaction'];
  const rows = set.migrations.map((m, i) => [
    String(i + 1),
    m.version === '' ? '-' : m.version,
    m.name === '' ? '-' : m.name,
    m.path,
    m.transaction + (m.replacedByRunner ? ' (runner skips: SELECT 1)' : ''),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === 0 ? cell.padStart(widths[c] as number) : cell.padEnd(widths[c] as number)))
      .join('  ')
      .trimEnd();
  out.push(line(header));
  out.push(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) out.push(line(row));
  out.push('');
  const counts = countModes(set);
  out.push(`${set.migrations.length} migration${set.migrations.length === 1 ? '' : 's'}: ${counts}`);

  const warnings = set.diagnostics.filter((d) => d.level === 'warning').length;
  const notes = set.diagnostics.length - warnings;
  out.push('');
  out.push(`Diagnostics (${warnings} warning${warnings === 1 ? '' : 's'}, ${notes} note${notes === 1 ? '' : 's'}):`);
  if (set.diagnostics.length === 0) out.push('  none');
  for (const d of set.diagnostics) out.push(`  ${d.level} [${d.code}] ${d.message}`);

  out.push('');
  out.push(`Ignored files (${set.ignored.length}):`);
  if (set.ignored.length === 0) out.push('  none');
  for (const f of set.ignored) out.push(`  ${f.path}: ${f.reason}`);
  return `${out.join('\n')}\n`;
}

function countModes(set: MigrationSet): string {
  const counts = new Map<string, number>();
  for (const m of set.migrations) counts.set(m.transaction, (counts.get(m.transaction) ?? 0) + 1);
  return [...counts].map(([mode, n]) => `${n} ${mode}`).join(', ');
}
