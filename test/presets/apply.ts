import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import type { Preset } from '../../src/presets/index.js';

/** Runs a preset's preludes, then its session settings, the way the replay stage will. */
export async function applyPreset(client: pg.Client, preset: Preset): Promise<void> {
  for (const file of preset.preludes) await client.query(readFileSync(file, 'utf8'));
  for (const [name, value] of Object.entries(preset.settings)) await client.query(`SET ${name} = ${value}`);
}

/** Applies every `.sql` file of a folder in name order, one transaction each (until the replay stage lands). */
export async function applyMigrations(client: pg.Client, dir: string): Promise<string[]> {
  const files = readdirSync(dir).filter((file) => file.endsWith('.sql')).sort();
  for (const file of files) {
    await client.query('BEGIN');
    try {
      await client.query(readFileSync(path.join(dir, file), 'utf8'));
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw new Error(`${file}: ${(error as Error).message}`);
    }
  }
  return files;
}
