import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { detectPreset, loadPreset, presetNames } from '../../src/presets/index.js';
import { stubNames } from '../../src/engine/extensions/stubs.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'pgsquash-preset-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('loadPreset', () => {
  it('lists supabase among the shipped presets', () => {
    expect(presetNames()).toContain('supabase');
  });

  it('returns absolute prelude paths in run order, settings and stubs that exist', () => {
    const preset = loadPreset('supabase');
    expect(preset.name).toBe('supabase');
    expect(preset.preludes.map((file) => path.basename(file))).toEqual(['00-roles.sql', '01-platform.sql', '02-auth.sql', '03-storage.sql']);
    for (const file of preset.preludes) {
      expect(path.isAbsolute(file)).toBe(true);
      expect(existsSync(file)).toBe(true);
    }
    expect(preset.settings.search_path).toContain('extensions');
    expect(preset.stubExtensions).toEqual(expect.arrayContaining(['pg_net', 'pg_cron', 'http', 'pg_graphql', 'supabase_vault']));
    for (const stub of preset.stubExtensions) expect(stubNames()).toContain(stub);
    expect(preset.platformSchemas).toEqual(expect.arrayContaining(['auth', 'storage', 'extensions']));
  });

  it('rejects an unknown preset with the list of known ones', () => {
    expect(() => loadPreset('heroku')).toThrow(UsageError);
    expect(() => loadPreset('../stubs')).toThrow(/unknown preset/);
  });
});

describe('detectPreset', () => {
  const make = (name: string, files: string[]) => {
    const root = path.join(scratch, name);
    for (const file of files) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), '');
    }
    return root;
  };

  it('finds supabase/config.toml from the project root and from supabase/migrations', () => {
    const root = make('cli-project', ['supabase/config.toml', 'supabase/migrations/20240101000000_init.sql']);
    expect(detectPreset(root)).toEqual({ preset: 'supabase', reason: `found ${path.join(root, 'supabase', 'config.toml')}` });
    expect(detectPreset(path.join(root, 'supabase', 'migrations'))?.preset).toBe('supabase');
  });

  it('accepts a bare supabase/ folder and says so', () => {
    const root = make('bare', ['supabase/migrations/1_init.sql']);
    expect(detectPreset(root)?.reason).toMatch(/supabase\/ folder/);
    expect(detectPreset(path.join(root, 'supabase', 'migrations'))?.reason).toMatch(/supabase\/ folder/);
  });

  it('detects nothing for a plain migrations folder', () => {
    const root = make('plain', ['db/migrations/001_init.sql']);
    expect(detectPreset(path.join(root, 'db', 'migrations'))).toBeUndefined();
  });
});
