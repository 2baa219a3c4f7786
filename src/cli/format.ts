import type { Diagnostic } from '../discover/types.js';
import type { ReplayedFile } from '../replay/index.js';

export function formatDiagnostics(diagnostics: Diagnostic[]): string[] {
  return diagnostics.filter((d) => d.level === 'warning').map((d) => `warning: ${d.message}`);
}

/** Server notices and runner notes per file, as `file:line:col: NOTICE: message`. */
export function formatNotices(files: ReplayedFile[]): string[] {
  const lines: string[] = [];
  for (const file of files) {
    for (const n of file.notices) lines.push(`${file.path}:${n.line}:${n.column}: ${n.severity}: ${n.message}`);
    for (const note of file.notes) lines.push(`${file.path}${note.line ? `:${note.line}` : ''}: note: ${note.message}`);
  }
  return lines;
}
