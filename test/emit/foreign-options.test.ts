/** ALTER ... OPTIONS clauses between two option lists as the catalog renders them (`name 'value'`). */
import { describe, expect, it } from 'vitest';
import { optionChanges, optionsClause } from '../../src/emit/kinds/foreign.js';

describe('foreign-data options', () => {
  it('sets what changed, adds what is new, drops what is gone, and says nothing when equal', () => {
    expect(optionChanges(["host 'a'", "port '5432'"], ["host 'b'", "dbname 'x'"])).toBe(" OPTIONS (SET host 'b', ADD dbname 'x', DROP port)");
    expect(optionChanges(["host 'a'"], ["host 'a'"])).toBe('');
    expect(optionsClause([])).toBe('');
  });

  it('reads names that are quoted identifiers and values holding quotes and spaces', () => {
    // a value with " '" inside, and a quoted name with a doubled quote and a space
    expect(optionChanges(["x 'a ''b'", `"my ""opt" 'v'`], ["x 'a ''b'"])).toBe(` OPTIONS (DROP "my ""opt")`);
    expect(optionChanges([`"user" 'app'`], [`"user" 'other'`])).toBe(` OPTIONS (SET "user" 'other')`);
  });
});
