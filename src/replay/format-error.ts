import type { ReplayFailure } from './errors.js';

/**
 * Lines for a failure, the way compilers print them:
 *
 *     migrations/002_x.sql:14:27: ERROR 42P01: relation "tenants" does not exist
 *     HINT: ...
 *        14 | insert into tenants values (1);
 *           |             ^
 */
export function formatFailure(f: ReplayFailure): string[] {
  const lines = [`${f.file}:${f.line}:${f.column}: ${f.severity} ${f.sqlstate}: ${f.message}`];
  if (f.detail) lines.push(...prefixed('DETAIL', f.detail));
  if (f.hint) lines.push(...prefixed('HINT', f.hint));
  if (f.context) lines.push(...prefixed('CONTEXT', f.context));
  if (f.advice) lines.push(...prefixed('NOTE', f.advice));
  const gutter = String(f.line).length;
  lines.push(`${' '.repeat(2)}${f.line} | ${f.sourceLine}`);
  lines.push(`${' '.repeat(2 + gutter)} | ${caretPadding(f.sourceLine, f.column)}^`);
  return lines;
}

function prefixed(label: string, text: string): string[] {
  return text.split('\n').map((line, k) => (k === 0 ? `${label}: ${line}` : `${' '.repeat(label.length + 2)}${line}`));
}

/** Keeps tabs so the caret lines up under the character in a terminal. */
function caretPadding(line: string, column: number): string {
  let pad = '';
  let k = 1;
  for (const ch of line) {
    if (k >= column) break;
    pad += ch === '\t' ? '\t' : ' ';
    k++;
  }
  return pad + ' '.repeat(Math.max(0, column - k));
}
