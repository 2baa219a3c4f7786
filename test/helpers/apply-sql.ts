import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';

/** The fixture's `.sql` files in name order (a stand-in for discover/replay in catalog tests). */
export function fixtureFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Runs each file with one `client.query(text)` (simple protocol: the file is one implicit transaction). */
export async function applySqlFiles(client: pg.Client, files: string[]): Promise<void> {
  for (const file of files) {
    try {
      await client.query(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`${path.basename(path.dirname(file))}/${path.basename(file)}: ${(error as Error).message}`, { cause: error });
    }
  }
}
