import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { holdEngine, processAlive, processesMentioning, processesIn, processUid, waitFor } from './helpers.js';

/**
 * A child Node process starts an embedded engine and is then ended in each way a run can end.
 * Afterwards the process table must hold no postgres of that cluster and its temp dir must be gone.
 */
describe('embedded engine leaves nothing behind', () => {
  const endings = [
    { how: 'SIGINT', end: (pid: number) => process.kill(pid, 'SIGINT'), expectExit: { code: 130 }, graceful: true },
    { how: 'SIGTERM', end: (pid: number) => process.kill(pid, 'SIGTERM'), expectExit: { code: 143 }, graceful: true },
    { how: 'an uncaught error mid-use', end: () => undefined, args: ['throw'], expectExit: { code: 1 }, graceful: true },
    { how: 'kill -9 (watchdog)', end: (pid: number) => process.kill(pid, 'SIGKILL'), expectExit: { signal: 'SIGKILL' }, graceful: false },
  ] as const;

  test.each(endings)('after $how', async ({ end, expectExit, graceful, ...rest }) => {
    const held = await holdEngine(['embedded', ...('args' in rest ? rest.args : [])]);
    const { postmasterPid, tempDir, watchdogPid } = held.info;
    expect(postmasterPid && tempDir && watchdogPid).toBeTruthy();
    expect(processAlive(postmasterPid!)).toBe(true);
    expect(processAlive(watchdogPid!)).toBe(true);
    expect(existsSync(tempDir!)).toBe(true);
    // Running as root here: the server must have dropped to an unprivileged account.
    if (process.getuid?.() === 0) expect(processUid(postmasterPid!)).not.toBe(0);

    end(held.info.pid);
    const exit = await held.exited;
    if ('code' in expectExit) expect(exit.code).toBe(expectExit.code);
    else expect(exit.signal).toBe(expectExit.signal);
    if (graceful) {
      // Cleaned by our own handlers before the process ended, not later by the watchdog.
      expect(existsSync(tempDir!)).toBe(false);
    }
    await waitFor('the cluster to disappear', () => !processAlive(postmasterPid!) && !existsSync(tempDir!));
    await waitFor('the watchdog to exit', () => !processAlive(watchdogPid!));
    expect(processesMentioning(tempDir!)).toEqual([]);
    // Backends and auxiliary processes included.
    expect(processesIn(`${tempDir!}/data`)).toEqual([]);
  });
});
