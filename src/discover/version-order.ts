/**
 * Comparisons the frameworks use to order migrations. Each mirrors a specific runtime: Go and Rust
 * compare strings byte by byte, Java compares UTF-16 code units, and numeric ids are compared as
 * arbitrary-precision integers (a 22-digit diesel version must not lose precision in a double).
 */

const utf8 = new TextEncoder();

/** Byte order of the UTF-8 encodings: Go's `a < b`, Rust's `str::cmp`, `LC_ALL=C sort`. */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const d = (x[i] as number) - (y[i] as number);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}

/** UTF-16 code unit order: Java's `String.compareTo` (Flyway sorts repeatables this way). */
export function compareUtf16(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Strips leading zeros so `0009` and `9` compare and collide as the same number. */
export function canonicalInteger(digits: string): string {
  const stripped = digits.replace(/^0+/, '');
  return stripped === '' ? '0' : stripped;
}

/** Compares two non-negative decimal integers written as digit strings, of any length. */
export function compareIntegers(a: string, b: string): number {
  const x = canonicalInteger(a);
  const y = canonicalInteger(b);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Flyway's `MigrationVersion`: `1.1`, `1_1` and `1.01` are the same version; trailing zero parts are
 * dropped (`1.0` equals `1`); parts are compared as integers, a missing part counting as zero.
 */
export function flywayVersionParts(version: string): string[] {
  const parts = version.split(/[._]/).map(canonicalInteger);
  while (parts.length > 1 && parts[parts.length - 1] === '0') parts.pop();
  return parts;
}

export function compareFlywayVersions(a: string, b: string): number {
  const x = flywayVersionParts(a);
  const y = flywayVersionParts(b);
  const n = Math.max(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const d = compareIntegers(x[i] ?? '0', y[i] ?? '0');
    if (d !== 0) return d;
  }
  return 0;
}
