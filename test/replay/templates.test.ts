import { describe, expect, it } from 'vitest';
import { formatFailure } from '../../src/replay/format-error.js';
import { LineIndex, SourceProblem, advanceCodePoints } from '../../src/replay/location.js';
import { renderTemplates } from '../../src/replay/templates.js';

const problem = (work: () => unknown): SourceProblem => {
  try {
    work();
  } catch (error) {
    if (error instanceof SourceProblem) return error;
    throw error;
  }
  throw new Error('expected a SourceProblem');
};

describe('renderTemplates', () => {
  it('renders value lookups and maps rendered offsets back to the template text', () => {
    const source = 'create table {{ index .Options "Namespace" }}.t (a int); -- {{ .Options.Namespace }}';
    const r = renderTemplates(source, { Namespace: 'tenant_schema' });
    expect(r.text).toBe('create table tenant_schema.t (a int); -- tenant_schema');
    expect(r.used).toEqual(['Namespace']);
    const t = r.text.indexOf('.t (');
    expect(r.toSource(t)).toBe(source.indexOf('.t ('));
    expect(r.toSource(r.text.indexOf('schema.t'))).toBe(source.indexOf('{{')); // inside a value: its action
    expect(r.toSource(0)).toBe(0);
  });

  it('honours trim markers and comments, like text/template', () => {
    expect(renderTemplates('a  {{- index .Options "X" -}}  b {{/* note */}}c', { X: 'x' }).text).toBe('axb c');
  });

  it('leaves SQL without template actions alone (array literals, JSON)', () => {
    const sql = `select '{{1,2},{3,4}}'::int[][], '{"a": {"b": 1}}'::jsonb;`;
    expect(renderTemplates(sql, {}).text).toBe(sql);
    expect(renderTemplates('{{ .Options.X }}', {}, 'off').text).toBe('{{ .Options.X }}');
  });

  it('refuses unknown variables and unsupported actions at their offset', () => {
    expect(problem(() => renderTemplates('select 1;\n{{ index .Options "Y" }}', {}))).toMatchObject({ index: 10, message: 'template variable "Y" is not set' });
    expect(problem(() => renderTemplates('x {{ range .Items }}y{{ end }}', {}))).toMatchObject({ index: 2, message: 'unsupported Go template action {{ range .Items }}' });
    expect(problem(() => renderTemplates('x {{ .Options.X ', { X: '1' })).message).toMatch(/unterminated/);
  });
});

describe('locations', () => {
  it('counts columns in code points and maps server positions (characters) to string offsets', () => {
    const text = 'ab\r\nü🎉x\n';
    const lines = new LineIndex(text);
    expect(lines.locate(text.indexOf('x'))).toEqual({ line: 2, column: 3 });
    expect(lines.lineText(1)).toBe('ab');
    expect(advanceCodePoints(text, 0, 6)).toBe(text.indexOf('x'));
  });

  it('formats a failure with tabs kept so the caret lines up', () => {
    const lines = formatFailure({
      phase: 'migration', file: 'm/1.sql', absPath: '/m/1.sql', line: 7, column: 6, severity: 'ERROR', sqlstate: '42601',
      message: 'syntax error at or near "frm"', hint: 'two\nlines', statement: '', statementIndex: 0, sourceLine: '\tsel frm t;',
    });
    expect(lines).toEqual(['m/1.sql:7:6: ERROR 42601: syntax error at or near "frm"', 'HINT: two', '      lines', '  7 | \tsel frm t;', '    | \t    ^']);
  });
});
