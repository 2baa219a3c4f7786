import { InputError } from '../errors.js';

export interface DecodedText {
  /** The text with a leading UTF-8 BOM removed; line endings untouched. */
  text: string;
  hadBom: boolean;
}

export interface Utf8Problem {
  /** 0-based offset of the first byte of the sequence that is not valid UTF-8. */
  offset: number;
  reason: string;
}

const BOM = [0xef, 0xbb, 0xbf] as const;

/**
 * Finds the first invalid UTF-8 sequence. Written out rather than relying on a fatal TextDecoder
 * because the decoder cannot say *where* it failed, and the user needs the byte offset to fix it.
 */
export function findInvalidUtf8(bytes: Uint8Array): Utf8Problem | undefined {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b === 0xe0) [need, lo] = [2, 0xa0];
    else if (b === 0xed) [need, hi] = [2, 0x9f]; // UTF-16 surrogates are not valid UTF-8
    else if (b >= 0xe1 && b <= 0xef) need = 2;
    else if (b === 0xf0) [need, lo] = [3, 0x90];
    else if (b === 0xf4) [need, hi] = [3, 0x8f]; // nothing above U+10FFFF
    else if (b >= 0xf1 && b <= 0xf3) need = 3;
    else {
      const what = b >= 0x80 && b <= 0xbf ? 'a continuation byte without a lead byte' : 'a byte that never occurs in UTF-8';
      return { offset: i, reason: `byte 0x${hex(b)} is ${what}` };
    }
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return { offset: i, reason: `the file ends inside the multi-byte sequence starting with 0x${hex(b)}` };
      const c = bytes[i + k] as number;
      const min = k === 1 ? lo : 0x80;
      const max = k === 1 ? hi : 0xbf;
      if (c < min || c > max) {
        return { offset: i, reason: `byte 0x${hex(b)} is followed by 0x${hex(c)}, which cannot continue it` };
      }
    }
    i += need + 1;
  }
  return undefined;
}

function hex(b: number): string {
  return b.toString(16).toUpperCase().padStart(2, '0');
}

/**
 * Decodes a migration file. Invalid UTF-8 is refused rather than replaced: silently substituting
 * U+FFFD would change the SQL (and the schema) that the squash produces.
 */
export function decodeUtf8(bytes: Uint8Array, file: string, absFile: string = file): DecodedText {
  const problem = findInvalidUtf8(bytes);
  if (problem) {
    const { line, column } = positionOf(bytes, problem.offset);
    const details = [
      `${problem.reason} (line ${line}, column ${column}).`,
      'Migration files must be UTF-8; re-save the file as UTF-8 (PostgreSQL itself reads it as the client encoding).',
    ];
    if (looksLikeUtf16(bytes)) details.push('The file starts with a UTF-16 byte order mark: it looks like UTF-16, not UTF-8.');
    throw new InputError(`${file}: invalid UTF-8 at byte offset ${problem.offset}`, details, { file: absFile, line, column });
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    // PostgreSQL's protocol ends query text at a NUL byte, so no runner can send this file.
    const { line, column } = positionOf(bytes, nul);
    throw new InputError(`${file}:${line}:${column}: NUL byte (0x00) at byte offset ${nul}`, [
      'SQL text cannot contain NUL bytes; remove it (the file may be binary or UTF-16).',
    ], { file: absFile, line, column });
  }
  const hadBom = bytes.length >= 3 && bytes[0] === BOM[0] && bytes[1] === BOM[1] && bytes[2] === BOM[2];
  const body = hadBom ? bytes.subarray(3) : bytes;
  // ignoreBOM: the BOM was handled above; any later U+FEFF is content and must stay.
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(body);
  return { text, hadBom };
}

function looksLikeUtf16(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
}

/** 1-based line and character column of a byte offset whose preceding bytes are valid UTF-8. */
function positionOf(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  let prefix = bytes.subarray(lineStart, offset);
  if (lineStart === 0 && prefix[0] === BOM[0] && prefix[1] === BOM[1] && prefix[2] === BOM[2]) prefix = prefix.subarray(3);
  const chars = [...new TextDecoder('utf-8', { ignoreBOM: true }).decode(prefix)].length;
  return { line, column: chars + 1 };
}
