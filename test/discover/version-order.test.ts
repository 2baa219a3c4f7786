import { describe, expect, it } from 'vitest';
import {
  compareBytes,
  compareFlywayVersions,
  compareIntegers,
  compareUtf16,
  flywayVersionParts,
} from '../../src/discover/version-order.js';

describe('version comparisons', () => {
  it('compares integers of any width without losing precision', () => {
    expect(compareIntegers('00010', '0009')).toBe(1);
    expect(compareIntegers('0009', '9')).toBe(0);
    // 22 digits: beyond Number.MAX_SAFE_INTEGER, where a double would call these equal.
    expect(compareIntegers('2026073014000000000001', '2026073014000000000002')).toBe(-1);
  });

  it('compares Flyway versions part by part, numerically, ignoring trailing zeros', () => {
    const sorted = ['10', '1.10', '1.9', '1_2', '2', '1', '1.1'].sort(compareFlywayVersions);
    expect(sorted).toEqual(['1', '1.1', '1_2', '1.9', '1.10', '2', '10']);
    expect(compareFlywayVersions('1.0', '1')).toBe(0);
    expect(flywayVersionParts('001.010.0')).toEqual(['1', '10']);
  });

  it('byte order differs from UTF-16 order above the BMP, and each is used where its runtime uses it', () => {
    const astral = '\u{1F600}'; // UTF-8 F0..., UTF-16 D83D...
    const highBmp = '\uFF01'; // UTF-8 EF..., UTF-16 FF01
    expect(compareBytes(astral, highBmp)).toBe(1);
    expect(compareUtf16(astral, highBmp)).toBe(-1);
    expect(compareBytes('20240126184148_new_models copy', '20240126184148_new_models_x')).toBe(-1);
  });
});
