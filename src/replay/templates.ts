/**
 * Go `text/template` rendering for migration files that runners render before sending (gobuffalo/pop,
 * e.g. supabase/auth: `{{ index .Options "Namespace" }}`). Only value lookups are supported; any
 * other action is refused with its location, because guessing at control flow would replay
 * something the runner never ran.
 */
import { SourceProblem } from './location.js';

export type TemplateMode = 'auto' | 'off';

export interface RenderedText {
  text: string;
  /** Maps an offset in the rendered text back to the source: inside a substituted value, to its `{{`. */
  toSource(index: number): number;
  /** Names of the variables used, in order of first use. */
  used: string[];
}

interface Segment {
  rendered: number;
  source: number;
  length: number;
  literal: boolean;
}

/**
 * A Go action: `{{` (optionally `{{- `) then a dot, a comment, or a builtin keyword/function. SQL
 * array literals such as '{{1,2},{3,4}}' do not match, so plain SQL files are left alone.
 */
const GO_ACTION =
  /\{\{-?\s*(?:\.|\/\*|(?:if|else|end|range|with|define|template|block|index|printf|print|println|len|not|and|or|eq|ne|lt|le|gt|ge|html|js|urlquery|call|slice|break|continue)\b)/;

export function looksLikeGoTemplate(text: string): boolean {
  return GO_ACTION.test(text);
}

export function identity(text: string): RenderedText {
  return { text, toSource: (index) => index, used: [] };
}

export function renderTemplates(source: string, vars: Record<string, string>, mode: TemplateMode = 'auto'): RenderedText {
  if (mode === 'off' || !source.includes('{{') || !looksLikeGoTemplate(source)) return identity(source);
  const segments: Segment[] = [];
  const used: string[] = [];
  let out = '';
  let cursor = 0;
  const pushLiteral = (from: number, to: number) => {
    if (to <= from) return;
    segments.push({ rendered: out.length, source: from, length: to - from, literal: true });
    out += source.slice(from, to);
  };
  let trimNext = false;
  for (let open = source.indexOf('{{'); open !== -1; open = source.indexOf('{{', cursor)) {
    const close = source.indexOf('}}', open + 2);
    if (close === -1) {
      throw new SourceProblem('unterminated Go template action: `{{` without `}}`', open, 'close the action with }}');
    }
    let body = source.slice(open + 2, close);
    const trimBefore = body.startsWith('- ') || body.startsWith('-\t') || body.startsWith('-\n');
    const trimAfter = body.endsWith(' -') || body.endsWith('\t-') || body.endsWith('\n-');
    if (trimBefore) body = body.slice(1);
    if (trimAfter) body = body.slice(0, -1);
    let literalStart = cursor;
    if (trimNext) literalStart = skipSpace(source, literalStart, open);
    let literalEnd = open;
    if (trimBefore) while (literalEnd > literalStart && /\s/.test(source[literalEnd - 1] as string)) literalEnd--;
    pushLiteral(literalStart, literalEnd);
    const value = evaluate(body.trim(), vars, open);
    if (value.name && !used.includes(value.name)) used.push(value.name);
    if (value.text) {
      segments.push({ rendered: out.length, source: open, length: value.text.length, literal: false });
      out += value.text;
    }
    cursor = close + 2;
    trimNext = trimAfter;
  }
  pushLiteral(trimNext ? skipSpace(source, cursor, source.length) : cursor, source.length);
  const text = out;
  return {
    text,
    used,
    toSource(index) {
      let lo = 0;
      let hi = segments.length - 1;
      if (hi < 0) return 0;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((segments[mid] as Segment).rendered <= index) lo = mid;
        else hi = mid - 1;
      }
      const seg = segments[lo] as Segment;
      if (!seg.literal) return seg.source;
      return seg.source + Math.min(Math.max(index - seg.rendered, 0), seg.length);
    },
  };
}

function skipSpace(text: string, from: number, to: number): number {
  let i = from;
  while (i < to && /\s/.test(text[i] as string)) i++;
  return i;
}

function evaluate(body: string, vars: Record<string, string>, at: number): { text: string; name?: string } {
  if (body.startsWith('/*') && body.endsWith('*/')) return { text: '' };
  const m =
    /^index\s+\.Options\s+(?:"((?:[^"\\]|\\.)*)"|`([^`]*)`)$/.exec(body) ?? /^\.Options\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(body);
  if (!m) {
    throw new SourceProblem(
      `unsupported Go template action {{ ${body} }}`,
      at,
      'pgsquash renders only value lookups ({{ index .Options "NAME" }}, {{ .Options.NAME }}); render the file yourself or pass templates: off',
    );
  }
  const name = (m[1] ?? m[2] ?? '').replace(/\\(.)/g, '$1');
  const value = vars[name];
  if (value === undefined) {
    throw new SourceProblem(`template variable "${name}" is not set`, at, `pass --var ${name}=VALUE`);
  }
  return { text: value, name };
}
