/**
 * What the CLI prints for an error from a server that went away outside the replay's own
 * statements (introspection, snapshots): the engine failing, exit 4, not "unexpected error".
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { reportError } from '../../src/cli/output.js';

afterEach(() => vi.restoreAllMocks());

function capture(error: unknown, json = false): { code: number; text: string } {
  let text = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((text += String(chunk)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((text += String(chunk)), true));
  const code = reportError(error, json);
  vi.restoreAllMocks();
  return { code, text };
}

describe('reportError: a lost server', () => {
  it.each([
    ['a FATAL 57P01 (postmaster exit)', Object.assign(new Error('terminating connection due to unexpected postmaster exit'), { code: '57P01' })],
    ['a 08006 connection failure', Object.assign(new Error('server closed the connection'), { code: '08006' })],
    ['the driver\'s own message', new Error('Connection terminated unexpectedly')],
  ])('%s is the engine failing (exit 4), said plainly, without a stack trace', (_label, error) => {
    const { code, text } = capture(error);
    expect(code).toBe(4);
    expect(text).toMatch(/^pgsquash: lost the connection to the Postgres server: /);
    expect(text).toMatch(/The server stopped or crashed/);
    expect(text).not.toMatch(/unexpected error|^\s+at /m);
    expect(JSON.parse(capture(error, true).text).error).toMatchObject({ type: 'EngineUnavailableError', exitCode: 4 });
  });

  it('other unknown errors are still reported as unexpected (exit 4) and ask for a report', () => {
    const { code, text } = capture(Object.assign(new Error('syntax error at or near "FROM"'), { code: '42601' }));
    expect(code).toBe(4);
    expect(text).toMatch(/unexpected error: syntax error/);
  });
});
