import { existsSync } from 'node:fs';
import type { MigrationFormat } from '../discover/types.js';
import { readManifest, type MoveRecord } from '../archive/index.js';
import type { PipelineOptions } from './options.js';
import { prepareRun, type PreparedRun } from './prepare.js';

/** The last finished move's record of how the squashed set was read (layout, preset). */
export async function legacyContext(legacyDir: string): Promise<MoveRecord['context']> {
  if (!existsSync(legacyDir)) return undefined;
  const done = (await readManifest(legacyDir)).moves.filter((m) => m.state === 'done' && m.context);
  return done[done.length - 1]?.context;
}

/**
 * The inputs of a baseline after a squash: the legacy dir, read as the squash read it (its layout
 * and preset, from the manifest, unless flags say otherwise), then the migrations still outside it.
 */
export async function prepareLegacy(legacyDir: string, migrationsDir: string | undefined, options: PipelineOptions): Promise<PreparedRun> {
  const context = await legacyContext(legacyDir);
  const withContext: PipelineOptions = {
    ...options,
    ...(!options.format && context?.format ? { format: context.format as MigrationFormat } : {}),
    ...(!options.preset && context?.preset ? { preset: context.preset } : {}),
  };
  const legacy = await prepareRun(legacyDir, withContext);
  if (!migrationsDir) return legacy;
  const rest = await prepareRun(migrationsDir, { ...options, ...(withContext.preset ? { preset: withContext.preset } : {}) });
  return {
    ...legacy,
    set: { ...legacy.set, migrations: [...legacy.set.migrations, ...rest.set.migrations], diagnostics: [...legacy.set.diagnostics, ...rest.set.diagnostics] },
    extensionUses: [...legacy.extensionUses, ...rest.extensionUses],
  };
}
