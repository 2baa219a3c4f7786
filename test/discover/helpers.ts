import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { PgsquashError } from '../../src/errors.js';

const made: string[] = [];

afterEach(async () => {
  while (made.length > 0) await rm(made.pop() as string, { recursive: true, force: true });
});

/**
 * A real directory under the OS temp dir holding the given files (`a/b.sql` creates folders;
 * a value ending in `/` as key creates an empty folder). Removed after each test.
 */
export async function tempTree(files: Record<string, string | Uint8Array>): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'pgsquash-discover-'));
  made.push(root);
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, ...rel.split('/'));
    if (rel.endsWith('/')) {
      await mkdir(abs, { recursive: true });
      continue;
    }
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, content);
  }
  return root;
}

/** Runs `fn` and returns the typed error it throws, failing the test if it does not throw one. */
export async function thrown(fn: () => Promise<unknown>): Promise<PgsquashError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof PgsquashError) return error;
    throw error;
  }
  throw new Error('expected a PgsquashError, but nothing was thrown');
}

/** The error's message and details as one string, for "does it name X" checks. */
export function fullText(error: PgsquashError): string {
  return [error.message, ...error.details].join('\n');
}
