import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { presetsDir } from './paths.js';

export { presetsDir, stubsDir } from './paths.js';

/**
 * What a hosting platform provides before a project's first migration, shipped as data files in
 * `presets/<name>/`: SQL preludes run in file-name order, plus `preset.json` for the rest.
 */
export interface Preset {
  name: string;
  description: string;
  /** Absolute paths of the SQL files to run, in order, as superuser, before the first migration. */
  preludes: string[];
  /** Session settings the replay applies to every connection (`SET name = value`). */
  settings: Record<string, string>;
  /** Stub extensions to provide where the engine lacks the real one (`--stub-extension`). */
  stubExtensions: string[];
  /**
   * Schemas the platform owns. Objects in them that the prelude created are not the project's and
   * must not reach the baseline; the project's own objects there (a trigger on auth.users, a
   * policy on storage.objects) must.
   */
  platformSchemas: string[];
}

interface PresetFile {
  description?: unknown;
  settings?: unknown;
  stubExtensions?: unknown;
  platformSchemas?: unknown;
}

/** Names of the presets shipped with the package. */
export function presetNames(): string[] {
  if (!existsSync(presetsDir)) return [];
  return readdirSync(presetsDir)
    .filter((entry) => existsSync(path.join(presetsDir, entry, 'preset.json')))
    .sort();
}

export function loadPreset(name: string): Preset {
  const dir = path.join(presetsDir, name);
  const metaFile = path.join(dir, 'preset.json');
  if (!/^[a-z0-9_-]+$/.test(name) || !existsSync(metaFile)) {
    throw new UsageError(`unknown preset "${name}"`, [`Presets: ${presetNames().join(', ') || 'none installed'}.`]);
  }
  const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as PresetFile;
  const strings = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  const settings: Record<string, string> = {};
  if (meta.settings && typeof meta.settings === 'object') {
    for (const [key, value] of Object.entries(meta.settings)) if (typeof value === 'string') settings[key] = value;
  }
  const preludes = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => path.join(dir, file));
  return {
    name,
    description: typeof meta.description === 'string' ? meta.description : name,
    preludes,
    settings,
    stubExtensions: strings(meta.stubExtensions),
    platformSchemas: strings(meta.platformSchemas),
  };
}

export interface DetectedPreset {
  preset: string;
  /** For output: what was found, e.g. "found supabase/config.toml in /app". */
  reason: string;
}

/**
 * Guesses the platform from the layout around a migrations directory: a Supabase project has a
 * `supabase/` folder (with `config.toml`) and its migrations in `supabase/migrations`.
 */
export function detectPreset(dir: string): DetectedPreset | undefined {
  const start = path.resolve(dir);
  const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();
  // The directory itself, its parent (supabase/migrations → supabase/) and grandparent.
  for (let current = start, depth = 0; depth < 3; current = path.dirname(current), depth++) {
    const config = path.join(current, 'supabase', 'config.toml');
    if (existsSync(config)) return { preset: 'supabase', reason: `found ${config}` };
    if (path.basename(current) === 'supabase' && existsSync(path.join(current, 'config.toml'))) {
      return { preset: 'supabase', reason: `found ${path.join(current, 'config.toml')}` };
    }
    if (path.dirname(current) === current) break;
  }
  if (isDir(path.join(start, 'supabase'))) return { preset: 'supabase', reason: `found a supabase/ folder in ${start}` };
  if (path.basename(start) === 'supabase' || path.basename(path.dirname(start)) === 'supabase') {
    return { preset: 'supabase', reason: `the migrations live in a supabase/ folder (${start})` };
  }
  return undefined;
}
