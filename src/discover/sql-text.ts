/**
 * Text helpers that need just enough SQL lexing to tell "no statements" from "something to run".
 * Nothing here parses statements; that is the replay stage's business.
 */

/**
 * True when the text holds anything besides whitespace and comments (`-- …` and nested
 * `/* … *\/`, as PostgreSQL nests them). Any other character counts, so a file with only `;` is
 * "something": the server would accept it, and we do not want to guess beyond that.
 */
export function hasSqlContent(text: string): boolean {
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v' || c === '\uFEFF') {
      i++;
    } else if (c === '-' && text[i + 1] === '-') {
      const eol = text.indexOf('\n', i);
      i = eol === -1 ? n : eol + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (text[i] === '/' && text[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (text[i] === '*' && text[i + 1] === '/') {
          depth--;
          i += 2;
        } else {
          i++;
        }
      }
    } else {
      return true;
    }
  }
  return false;
}

/** A line with its start offset in the text, keeping any `\r` of a CRLF ending in `text`. */
export interface TextLine {
  /** 1-based. */
  number: number;
  start: number;
  text: string;
}

export function splitLines(text: string): TextLine[] {
  const lines: TextLine[] = [];
  let start = 0;
  let number = 1;
  while (start <= text.length) {
    const eol = text.indexOf('\n', start);
    const end = eol === -1 ? text.length : eol;
    lines.push({ number, start, text: text.slice(start, end) });
    if (eol === -1) break;
    start = eol + 1;
    number++;
  }
  return lines;
}

/** The file name without its directory. */
export function baseName(relPath: string): string {
  const slash = relPath.lastIndexOf('/');
  return slash === -1 ? relPath : relPath.slice(slash + 1);
}

/** The directory part of a relative path, `''` for the root. */
export function dirName(relPath: string): string {
  const slash = relPath.lastIndexOf('/');
  return slash === -1 ? '' : relPath.slice(0, slash);
}
