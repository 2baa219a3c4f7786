/** The deterministic topological sort and FK inlining, on synthetic steps (no SQL involved). */
import { describe, expect, it } from 'vitest';
import { DependencyCycleError } from '../../src/emit/index.js';
import { inlineElements, orderSteps } from '../../src/emit/order.js';
import type { SortKey, Step } from '../../src/emit/step.js';

function s(id: string, key: SortKey, deps: string[] = [], extra: Partial<Step> = {}): Step {
  return { id, sql: `-- ${id}`, deps, key, section: 'schema', ...extra };
}

describe('orderSteps', () => {
  it('orders ready steps by key and respects dependencies', () => {
    const steps = [
      s('table b.t', ['b', 5, 'table b.t', 0, '']),
      s('function z.f', ['z', 3, 'function z.f', 0, '']),
      s('table a.t', ['a', 5, 'table a.t', 0, ''], ['function z.f']),
      s('schema a', ['a', 0, '', 0, '']),
    ];
    expect(orderSteps(steps).map((x) => x.id)).toEqual(['schema a', 'table b.t', 'function z.f', 'table a.t']);
    // Input order does not matter.
    expect(orderSteps([...steps].reverse()).map((x) => x.id)).toEqual(['schema a', 'table b.t', 'function z.f', 'table a.t']);
  });

  it("keeps a table's sub-steps right after it", () => {
    const steps = [
      s('table p.t', ['p', 5, 'table p.t', 0, '']),
      s('function p.f(t)', ['p', 3, 'function p.f(t)', 0, ''], ['table p.t']),
      s('index p.i', ['p', 5, 'table p.t', 3, 'index p.i'], ['table p.t']),
      s('comment on table p.t', ['p', 5, 'table p.t', 9, ''], ['table p.t']),
    ];
    expect(orderSteps(steps).map((x) => x.id)).toEqual(['table p.t', 'index p.i', 'comment on table p.t', 'function p.f(t)']);
  });

  it('ignores dependencies on objects no step provides, and resolves provided ids', () => {
    const steps = [
      s('index x', ['p', 5, 'table p.t', 3, ''], ['table column p.t.c', 'table public.preexisting']),
      s('table p.t', ['p', 5, 'table p.t', 0, ''], [], { provides: ['table column p.t.c'] }),
    ];
    expect(orderSteps(steps).map((x) => x.id)).toEqual(['table p.t', 'index x']);
  });

  it('names the members of a cycle, not what merely follows it', () => {
    const steps = [
      s('a', ['p', 3, 'a', 0, ''], ['b']),
      s('b', ['p', 3, 'b', 0, ''], ['a']),
      s('after', ['p', 3, 'c', 0, ''], ['a']),
      s('free', ['p', 3, 'd', 0, '']),
    ];
    const error = (() => {
      try {
        orderSteps(steps);
      } catch (e) {
        return e;
      }
    })() as DependencyCycleError;
    expect(error).toBeInstanceOf(DependencyCycleError);
    expect(error.members).toEqual(['a', 'b']);
  });
});

describe('inlineElements', () => {
  const table = (id: string, name: string, deps: string[] = []) => {
    const render = (extra: string[]) => `CREATE TABLE ${name} (id int${extra.map((e) => `, ${e}`).join('')});`;
    return { ...s(id, ['p', 5, id, 0, ''], deps, { withElements: render }), sql: render([]) };
  };

  it('moves an FK into CREATE TABLE when its target comes first, and leaves it otherwise', () => {
    const ordered = orderSteps([
      table('table p.a', 'a'),
      table('table p.b', 'b'),
      s('fk b->a', ['p', 5, 'table p.b', 2, ''], ['table p.b', 'table p.a'], { inline: { into: 'table p.b', element: 'FOREIGN KEY (id) REFERENCES a' } }),
      s('fk a->b', ['p', 5, 'table p.a', 2, ''], ['table p.a', 'table p.b'], { inline: { into: 'table p.a', element: 'FOREIGN KEY (id) REFERENCES b' } }),
    ]);
    const result = inlineElements(ordered);
    expect(result.map((x) => x.sql)).toEqual([
      'CREATE TABLE a (id int);',
      'CREATE TABLE b (id int, FOREIGN KEY (id) REFERENCES a);',
      '-- fk a->b',
    ]);
  });
});
