import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
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

describe('embedded engines in several processes', () => {
  test('two processes racing to build the initdb template both start, and one template remains', async () => {
    const base = mkdtempSync('/tmp/pgsquash-race-');
    chmodSync(base, 0o755);
    try {
      // A fresh TMPDIR: both processes find no template and run initdb at the same time.
      const [a, b] = await Promise.all([holdEngine(['embedded'], { TMPDIR: base }), holdEngine(['embedded'], { TMPDIR: base })]);
      expect(path.dirname(a.info.tempDir!)).toBe(base);
      expect(a.info.tempDir).not.toBe(b.info.tempDir);
      const cache = readdirSync(base).filter((e) => e.startsWith('pgsquash-initdb-cache-'));
      expect(cache).toHaveLength(1);
      const templates = readdirSync(path.join(base, cache[0]!));
      expect(templates).toHaveLength(1);
      expect(templates[0]).toMatch(/^17-[0-9a-f]{16}$/);
      for (const held of [a, b]) process.kill(held.info.pid, 'SIGTERM');
      await Promise.all([a.exited, b.exited]);
      expect(readdirSync(base).filter((e) => e.startsWith('pgsquash-'))).toEqual(cache);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
