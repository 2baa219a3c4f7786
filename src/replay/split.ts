/**
 * Splits a SQL file into statements the way psql does (src/fe_utils/psqlscan.l): a `;` ends a
 * statement unless it is inside a string, a quoted identifier, a dollar-quoted body, a comment,
 * parentheses, or the BEGIN ... END body of a `CREATE [OR REPLACE] FUNCTION|PROCEDURE`. Inline
 * `COPY ... FROM stdin` data runs to a line holding only `\.`. A backslash anywhere else starts a
 * psql meta-command, which we refuse: psql scripts are not plain SQL.
 *
 * The result partitions the text: concatenating every chunk gives back the input byte for byte,
 * so offsets in statements are offsets in the file.
 */

import { LineIndex, SourceProblem } from './location.js';
import { metaCommandError } from './meta-commands.js';

export interface CopyData {
  /** Offsets of the data lines, without the terminating `\.` line. */
  start: number;
  end: number;
  /** End of the `\.` line, including its line break. */
  terminatorEnd: number;
}

export interface Statement {
  /** Offset of the first token; leading whitespace and comments belong to the previous filler. */
  start: number;
  /** Offset after the terminating `;`, or after the last token when the file ends without one. */
  end: number;
  text: string;
  /** 1-based line and column (in characters) of `start` in the text that was split. */
  line: number;
  column: number;
  /**
   * Words at parenthesis depth 0, lowercased, in order (at most {@link MAX_WORDS}); a quoted
   * identifier appears as `"` and a string literal as `'`, so positions stay meaningful.
   */
  words: string[];
  terminated: boolean;
  copyData?: CopyData;
}

export type ChunkKind = 'statement' | 'filler' | 'copy-data' | 'copy-terminator';
export interface Chunk {
  kind: ChunkKind;
  start: number;
  end: number;
}

export interface SplitResult {
  statements: Statement[];
  chunks: Chunk[];
}

export interface SplitOptions {
  /** Value of standard_conforming_strings at the start (default on, as on every server since 9.1). */
  standardConformingStrings?: boolean;
}

export const MAX_WORDS = 24;

const isIdentStart = (code: number) =>
  (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f || code >= 0x80;
const isIdentCont = (code: number) => isIdentStart(code) || (code >= 0x30 && code <= 0x39) || code === 0x24;
const isDigit = (code: number) => code >= 0x30 && code <= 0x39;

export function splitSql(text: string, options: SplitOptions = {}): SplitResult {
  const result = new Scanner(text, options.standardConformingStrings ?? true).run();
  const lines = new LineIndex(text);
  for (const s of result.statements) Object.assign(s, lines.locate(s.start));
  return result;
}

class Scanner {
  private i = 0;
  private readonly statements: Statement[] = [];
  private readonly chunks: Chunk[] = [];
  /** End of the last chunk emitted. */
  private emitted = 0;
  // Per-statement state, reset by `resetStatement`.
  private stmtStart = -1;
  private lastTokenEnd = -1;
  private words: string[] = [];
  private parenDepth = 0;
  private beginDepth = 0;
  private identifierCount = 0;
  /** First letters of create/or/replace/function/procedure among the first identifiers (psql's heuristic). */
  private identifiers: string[] = [];

  constructor(
    private readonly text: string,
    private standardStrings: boolean,
  ) {}

  run(): SplitResult {
    const { text } = this;
    const n = text.length;
    while (this.i < n) {
      const code = text.charCodeAt(this.i);
      const next = this.i + 1 < n ? text.charCodeAt(this.i + 1) : -1;
      if (code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || code === 0x0c) {
        this.i++;
      } else if (code === 0x2d && next === 0x2d) {
        this.skipLineComment();
      } else if (code === 0x2f && next === 0x2a) {
        this.skipBlockComment();
      } else if (code === 0x27) {
        this.token(this.i);
        this.skipString(this.i, !this.standardStrings);
        this.word("'");
      } else if (code === 0x22) {
        this.token(this.i);
        this.skipQuotedIdentifier(this.i);
        this.word('"');
      } else if (code === 0x24) {
        this.token(this.i);
        this.scanDollar();
      } else if (isIdentStart(code)) {
        this.token(this.i);
        this.scanIdentifierOrPrefixedString();
      } else if (isDigit(code)) {
        this.token(this.i);
        while (this.i < n && isDigit(text.charCodeAt(this.i))) this.i++;
      } else if (code === 0x28) {
        this.token(this.i);
        this.parenDepth++;
        this.i++;
      } else if (code === 0x29) {
        this.token(this.i);
        if (this.parenDepth > 0) this.parenDepth--;
        this.i++;
      } else if (code === 0x3b) {
        this.token(this.i);
        this.i++;
        if (this.parenDepth === 0 && this.beginDepth === 0) this.endStatement(true);
      } else if (code === 0x5c) {
        throw metaCommandError(text, this.i);
      } else {
        this.token(this.i);
        this.i++;
      }
    }
    if (this.stmtStart >= 0) this.endStatement(false);
    this.emit('filler', n);
    return { statements: this.statements, chunks: this.chunks };
  }

  private token(at: number): void {
    if (this.stmtStart < 0) {
      this.emit('filler', at);
      this.stmtStart = at;
    }
  }

  private emit(kind: ChunkKind, end: number): void {
    if (end > this.emitted) this.chunks.push({ kind, start: this.emitted, end });
    this.emitted = Math.max(this.emitted, end);
  }

  private word(w: string): void {
    if (this.parenDepth === 0 && this.words.length < MAX_WORDS) this.words.push(w);
  }

  private skipLineComment(): void {
    const { text } = this;
    let j = this.i + 2;
    while (j < text.length && text[j] !== '\n' && text[j] !== '\r') j++;
    this.i = j;
  }

  /** Nested, as in PostgreSQL; an unterminated comment runs to the end and is sent (the server reports it). */
  private skipBlockComment(): void {
    const { text } = this;
    let depth = 0;
    let j = this.i;
    while (j < text.length) {
      if (text[j] === '/' && text[j + 1] === '*') {
        depth++;
        j += 2;
      } else if (text[j] === '*' && text[j + 1] === '/') {
        depth--;
        j += 2;
        if (depth === 0) break;
      } else {
        j++;
      }
    }
    // Runners send an unclosed comment to the server, which refuses it: so must we, not drop it.
    if (depth > 0) this.token(this.i);
    this.i = j;
  }

  /** A '...' literal starting at `quote`; with backslash escapes for E'' (or all strings when standard_conforming_strings is off). */
  private skipString(quote: number, backslashEscapes: boolean): void {
    const { text } = this;
    let j = quote + 1;
    while (j < text.length) {
      const c = text[j];
      if (c === '\\' && backslashEscapes) {
        j += 2;
      } else if (c === "'") {
        if (text[j + 1] === "'") {
          j += 2;
        } else {
          j++;
          break;
        }
      } else {
        j++;
      }
    }
    this.i = Math.min(j, text.length);
  }

  private skipQuotedIdentifier(quote: number): void {
    const { text } = this;
    let j = quote + 1;
    while (j < text.length) {
      if (text[j] === '"') {
        if (text[j + 1] === '"') j += 2;
        else {
          j++;
          break;
        }
      } else {
        j++;
      }
    }
    this.i = Math.min(j, text.length);
  }

  /** `$1` parameter, `$tag$ ... $tag$` body, or a lone `$`. */
  private scanDollar(): void {
    const { text } = this;
    const start = this.i;
    let j = start + 1;
    if (j < text.length && isDigit(text.charCodeAt(j))) {
      while (j < text.length && isDigit(text.charCodeAt(j))) j++;
      this.i = j;
      return;
    }
    if (j < text.length && isIdentStart(text.charCodeAt(j))) {
      j++;
      while (j < text.length && isIdentCont(text.charCodeAt(j)) && text[j] !== '$') j++;
    }
    if (text[j] !== '$') {
      // Not a delimiter: psql keeps the `$` and rescans what follows.
      this.i = start + 1;
      return;
    }
    const delimiter = text.slice(start, j + 1);
    const close = text.indexOf(delimiter, j + 1);
    this.i = close === -1 ? text.length : close + delimiter.length;
    this.word("'");
  }

  private scanIdentifierOrPrefixedString(): void {
    const { text } = this;
    const start = this.i;
    const c = text[start] as string;
    const next = text[start + 1];
    if (next === "'") {
      const lower = c.toLowerCase();
      if (lower === 'e') {
        this.skipString(start + 1, true);
        this.word("'");
        return;
      }
      if (lower === 'b' || lower === 'x') {
        this.skipString(start + 1, false);
        this.word("'");
        return;
      }
      if (lower === 'n') {
        this.skipString(start + 1, !this.standardStrings);
        this.word("'");
        return;
      }
    }
    if ((c === 'u' || c === 'U') && next === '&') {
      const quote = text[start + 2];
      if (quote === "'") {
        this.skipString(start + 2, false);
        this.word("'");
        return;
      }
      if (quote === '"') {
        this.skipQuotedIdentifier(start + 2);
        this.word('"');
        return;
      }
    }
    let j = start + 1;
    while (j < text.length && isIdentCont(text.charCodeAt(j))) j++;
    this.i = j;
    const word = text.slice(start, j).toLowerCase();
    this.word(word);
    this.trackBeginAtomic(word);
  }

  /** psql's heuristic: inside CREATE [OR REPLACE] FUNCTION|PROCEDURE, BEGIN ... END (and CASE ... END in it) nest. */
  private trackBeginAtomic(word: string): void {
    if (this.identifierCount === 0) this.identifiers = [];
    if (['create', 'function', 'procedure', 'or', 'replace'].includes(word) && this.identifierCount < 4) {
      this.identifiers[this.identifierCount] = word[0] as string;
    }
    this.identifierCount++;
    const id = this.identifiers;
    const routine =
      id[0] === 'c' && (id[1] === 'f' || id[1] === 'p' || (id[1] === 'o' && id[2] === 'r' && (id[3] === 'f' || id[3] === 'p')));
    if (!routine || this.parenDepth !== 0) return;
    if (word === 'begin') this.beginDepth++;
    else if (word === 'case' && this.beginDepth >= 1) this.beginDepth++;
    else if (word === 'end' && this.beginDepth > 0) this.beginDepth--;
  }

  private endStatement(terminated: boolean): void {
    const { text } = this;
    const start = this.stmtStart;
    const end = this.i;
    const statement: Statement = { start, end, text: text.slice(start, end), line: 0, column: 0, words: this.words, terminated };
    this.statements.push(statement);
    this.emit('statement', end);
    if (isCopyFromStdin(statement.words)) this.takeCopyData(statement);
    const scs = standardConformingStringsSetTo(statement.text);
    if (scs !== undefined) this.standardStrings = scs;
    this.stmtStart = -1;
    this.words = [];
    this.parenDepth = 0;
    this.beginDepth = 0;
    this.identifierCount = 0;
  }

  /** psql reads COPY data from the lines after the statement's line, up to a line `\.`. */
  private takeCopyData(statement: Statement): void {
    const { text } = this;
    const missing = () =>
      new SourceProblem(
        'COPY ... FROM stdin has no end-of-data line `\\.`',
        statement.start,
        'put the rows on the lines after the COPY statement and end them with a line holding only \\.',
      );
    if (!statement.terminated) throw missing();
    const eol = text.indexOf('\n', statement.end);
    const rest = text.slice(statement.end, eol === -1 ? text.length : eol);
    if (rest.trim() !== '' && !rest.trimStart().startsWith('--')) {
      throw new SourceProblem(
        'text after COPY ... FROM stdin on the same line',
        statement.end + rest.length - rest.trimStart().length,
        'start the COPY data on the next line',
      );
    }
    if (eol === -1) throw missing();
    const dataStart = eol + 1;
    let lineStart = dataStart;
    while (lineStart < text.length) {
      const lineEnd = text.indexOf('\n', lineStart);
      const line = text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd);
      if (line === '\\.' || line === '\\.\r') {
        const terminatorEnd = lineEnd === -1 ? text.length : lineEnd + 1;
        statement.copyData = { start: dataStart, end: lineStart, terminatorEnd };
        this.emit('filler', dataStart);
        this.emit('copy-data', lineStart);
        this.emit('copy-terminator', terminatorEnd);
        this.i = terminatorEnd;
        return;
      }
      if (lineEnd === -1) break;
      lineStart = lineEnd + 1;
    }
    throw missing();
  }
}

export function isCopyFromStdin(words: string[]): boolean {
  if (words[0] !== 'copy') return false;
  for (let k = 1; k + 1 < words.length; k++) if (words[k] === 'from' && words[k + 1] === 'stdin') return true;
  return false;
}

/** `SET standard_conforming_strings = off` changes how later strings are lexed, as psql follows it. */
function standardConformingStringsSetTo(statement: string): boolean | undefined {
  const m = /^(?:set\s+(?:session\s+)?standard_conforming_strings\s*(?:=|to)\s*'?(\w+)'?|reset\s+(standard_conforming_strings))\s*;?$/i.exec(
    statement.trim(),
  );
  if (!m) return undefined;
  if (m[2]) return true;
  const value = (m[1] as string).toLowerCase();
  if (['off', 'false', '0', 'no'].includes(value)) return false;
  return true;
}
