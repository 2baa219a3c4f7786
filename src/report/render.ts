/**
 * The report as Markdown for people. Deterministic: no wall-clock times unless `timings` is set,
 * so a checked-in report can be regenerated and compared byte for byte.
 */
import type { Report } from './build.js';

export interface RenderOptions {
  /** Add the phase timings (they change on every run). */
  timings?: boolean;
  /** Heading for the report; default `Consolidation report`. */
  title?: string;
}

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `created in 001, altered in 002, 004, dropped in 006`. */
export function describeSteps(steps: { action: string; label: string }[]): string {
  const parts: string[] = [];
  let current = '';
  for (const s of steps) {
    if (s.action !== current) {
      parts.push(`${s.action} in ${s.label}`);
      current = s.action;
    } else parts[parts.length - 1] += `, ${s.label}`;
  }
  return parts.join(', ');
}

export function renderReport(report: Report, options: RenderOptions = {}): string {
  const out: string[] = [`# ${options.title ?? 'Consolidation report'}`, ''];
  const s = report.summary;
  out.push('## Summary', '');
  out.push(`- Files consolidated: ${s.files} (${s.format}: ${s.formatReason})`);
  if (s.preludes.length) out.push(`- Preludes: ${s.preludes.map(code).join(', ')}`);
  out.push(`- PostgreSQL major: ${s.postgresMajor}`);
  out.push(`- Smells: ${report.smells.length}`);
  if (options.timings && s.timings) {
    out.push(`- Time taken: ${Object.entries(s.timings).map(([k, v]) => `${k.replace(/Ms$/, '')} ${(v / 1000).toFixed(2)} s`).join(', ')}`);
  }
  out.push('', '### Objects in the baseline', '', '| kind | schema | count |', '| --- | --- | ---: |');
  for (const o of s.objects) out.push(`| ${o.kind} | ${o.schema || '—'} | ${o.count} |`);
  out.push('', '### Reference data kept', '');
  if (s.referenceData.length === 0) out.push('None: no table keeps rows.');
  else for (const d of s.referenceData) out.push(`- ${code(d.table)}: ${plural(d.rows, 'row')}`);

  out.push('', `## Smells (${report.smells.length})`, '');
  if (report.smells.length === 0) out.push('None found.');
  for (const sm of report.smells) {
    out.push(`- **${sm.code}** ${code(`${sm.file}:${sm.line}`)}: ${sm.message}`);
    for (const d of sm.details) out.push(`  - ${d}`);
  }

  out.push('', '## Objects, most-touched first', '');
  out.push('Changes to a table\'s columns, constraints, indexes, triggers and policies count as changes to the table.', '');
  for (const o of report.objects) {
    const renamed = o.formerIds.length ? ` (formerly ${o.formerIds.map(code).join(', ')})` : '';
    const steps = o.steps.length ? describeSteps(o.steps) : 'existed before the migrations, untouched';
    out.push(`- ${code(o.id)}${renamed}: ${steps}${o.exists ? '' : ' — not in the baseline'}`);
  }

  out.push('', '## Files', '');
  for (const f of report.files) {
    const head = `- ${code(f.path)}${f.label !== f.path ? ` (${f.label})` : ''}`;
    const bits: string[] = [];
    if (f.created.length) bits.push(`created ${f.created.map(code).join(', ')}`);
    if (f.altered.length) bits.push(`altered ${f.altered.map((a) => `${code(a.id)}${a.parts.length ? ` (${a.parts.join(', ')})` : ''}`).join(', ')}`);
    if (f.dropped.length) bits.push(`dropped ${f.dropped.map(code).join(', ')}`);
    out.push(`${head}: ${[...bits, ...(f.note ? [f.note] : [])].join('; ')}`);
  }
  const idle = report.files.filter((f) => f.note !== null);
  out.push('', '### Files without lasting schema effect', '');
  if (idle.length === 0) out.push('None.');
  for (const f of idle) out.push(`- ${code(f.path)}: ${f.note}`);
  const fixes = report.files.filter((f) => f.fix);
  out.push('', '### Fix files (only alter objects made elsewhere)', '');
  if (fixes.length === 0) out.push('None.');
  for (const f of fixes) out.push(`- ${code(f.path)}: ${f.altered.map((a) => code(a.id)).join(', ')}`);

  out.push('', '## Tables and foreign keys', '');
  if (report.diagrams.length === 0) out.push('No tables.');
  for (const d of report.diagrams) {
    if (d.schema) out.push(`### Schema ${code(d.schema)}`, '');
    out.push('```mermaid', d.text, '```', '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
