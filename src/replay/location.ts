/**
 * Offsets ↔ line/column. Lines and columns are 1-based; columns count characters (Unicode code
 * points), as editors and PostgreSQL do, not UTF-16 units or bytes.
 */

/** Something wrong at an offset of a text (a psql meta-command, a template action, ...). */
export class SourceProblem extends Error {
  readonly index: number;
  readonly hint: string;
  constructor(message: string, index: number, hint: string) {
    super(message);
    this.name = 'SourceProblem';
    this.index = index;
    this.hint = hint;
  }
}

export interface LineColumn {
  line: number;
  column: number;
}

export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(private readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  locate(index: number): LineColumn {
    const at = Math.max(0, Math.min(index, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= at) lo = mid;
      else hi = mid - 1;
    }
    const lineStart = this.starts[lo] as number;
    return { line: lo + 1, column: codePointCount(this.text, lineStart, at) + 1 };
  }

  /** The line's text without its line break. */
  lineText(line: number): string {
    const start = this.starts[line - 1];
    if (start === undefined) return '';
    const next = this.starts[line];
    const raw = this.text.slice(start, next === undefined ? this.text.length : next - 1);
    return raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  }
}

export function codePointCount(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < to) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/** The string index reached by advancing `characters` code points from `from` (clamped to the end). */
export function advanceCodePoints(text: string, from: number, characters: number): number {
  let i = from;
  for (let k = 0; k < characters && i < text.length; k++) {
    const code = text.charCodeAt(i);
    i += code >= 0xd800 && code <= 0xdbff && i + 1 < text.length ? 2 : 1;
  }
  return i;
}
