import { createHash } from 'node:crypto';
import { discover } from '../discover/index.js';
import type { MigrationSet } from '../discover/types.js';
import { chooseEngine, localEngines, missingExtensionsError, availableExtensions } from '../engine/extensions/available.js';
import { findExtensionUses, type ExtensionUse } from '../engine/extensions/required.js';
import { createEngine, describeEngine, type Engine, type EngineOptions } from '../engine/index.js';
import { detectPreset, loadPreset, type Preset } from '../presets/index.js';
import type { ReplayOptions } from '../replay/index.js';
import type { PipelineOptions } from './options.js';

/** A discovered set with everything resolved that the replay needs, before any server starts. */
export interface PreparedRun {
  set: MigrationSet;
  preset: (Preset & { reason: string }) | undefined;
  replay: ReplayOptions;
  stubExtensions: string[];
  extensionUses: ExtensionUse[];
}

export async function prepareRun(dir: string, options: PipelineOptions): Promise<PreparedRun> {
  const set = await discover(dir, {
    ...(options.format ? { format: options.format } : {}),
    ...(options.orderFile ? { orderFile: options.orderFile } : {}),
  });
  const preset = resolvePreset(dir, options);
  if (preset) options.log?.(`preset ${preset.name}: ${preset.reason}`);
  const stubExtensions = [...new Set([...(preset?.stubExtensions ?? []), ...(options.stubExtensions ?? [])])].sort();
  const replay: ReplayOptions = {
    preludes: [...(preset?.preludes ?? []), ...(options.preludes ?? [])],
    settings: { ...(preset?.settings ?? {}), ...(options.settings ?? {}) },
    vars: options.vars ?? {},
    ...(options.role ? { role: options.role } : {}),
    ...(options.historyTable ? { historyTable: options.historyTable } : {}),
    ...(options.templates ? { templates: options.templates } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
  return { set, preset, replay, stubExtensions, extensionUses: findExtensionUses(set) };
}

function resolvePreset(dir: string, options: PipelineOptions): PreparedRun['preset'] {
  if (options.preset === 'none') return undefined;
  if (options.preset) return { ...loadPreset(options.preset), reason: 'asked with --preset' };
  const detected = detectPreset(dir);
  return detected ? { ...loadPreset(detected.preset), reason: `detected: ${detected.reason}` } : undefined;
}

/**
 * Which engine a run uses. `auto` takes the first local engine that has (or can stub) every
 * extension the migrations create; an explicit engine gets the run's stub extensions.
 */
export async function resolveEngineOptions(prepared: PreparedRun, options: PipelineOptions): Promise<EngineOptions> {
  const kind = options.engine ?? 'auto';
  const required = requiredNames(prepared);
  const base: Omit<EngineOptions, 'kind'> = {
    ...(options.pgVersion ? { pgVersion: options.pgVersion } : {}),
    ...(options.pgBin ? { pgBin: options.pgBin } : {}),
    ...(options.image ? { image: options.image } : {}),
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.scratchName ? { scratchName: options.scratchName } : {}),
    ...(options.superuser ? { superuser: options.superuser } : {}),
    ...(options.log ? { log: options.log } : {}),
  };
  if (kind !== 'auto' || options.pgBin || options.pgVersion) {
    return { ...base, kind: kind === 'auto' ? 'embedded' : kind, ...(prepared.stubExtensions.length ? { stubExtensions: prepared.stubExtensions } : {}) };
  }
  const engines = await localEngines();
  const choice = chooseEngine(required, engines, prepared.stubExtensions);
  if (!choice) throw missingExtensionsError(missingUses(prepared, new Set([...(engines[0]?.extensions ?? []), ...prepared.stubExtensions])), null, engines);
  if (choice.engine !== engines[0]) options.log?.(`engine ${choice.engine.flags}: it has ${required.join(', ')}`);
  const stubs = [...new Set([...choice.stubs, ...prepared.stubExtensions])].sort();
  return {
    ...base,
    kind: choice.engine.kind,
    ...(choice.engine.pgBin ? { pgBin: choice.engine.pgBin } : {}),
    ...(stubs.length ? { stubExtensions: stubs } : {}),
  };
}

/**
 * Starts the engine for a run; an engine lacking an extension the migrations create fails before
 * the replay, naming the extension, the file that creates it and the engines that have it.
 */
export async function startEngine(prepared: PreparedRun, options: PipelineOptions, engineOptions?: EngineOptions): Promise<Engine> {
  const engine = await createEngine(engineOptions ?? (await resolveEngineOptions(prepared, options)));
  try {
    if (prepared.extensionUses.length) {
      const available = await availableExtensions(engine);
      const missing = missingUses(prepared, available);
      if (missing.length) throw missingExtensionsError(missing, describeEngine(engine), await localEngines());
      for (const use of missingUses(prepared, available, true)) {
        options.log?.(`note: ${use.path}:${use.line} creates extension "${use.name}" only where pg_available_extensions lists it; this engine does not, so the migration skips it`);
      }
    }
    return engine;
  } catch (error) {
    await engine.close();
    throw error;
  }
}

/** Extensions some migration creates unconditionally (guarded uses are skipped where missing). */
function requiredNames(prepared: PreparedRun): string[] {
  return [...new Set(prepared.extensionUses.filter((u) => !u.guarded).map((u) => u.name))].sort();
}

/** The first unconditional use (or with `guarded`, the first guarded use) of each extension the engine cannot create. */
function missingUses(prepared: PreparedRun, available: ReadonlySet<string>, guarded = false): ExtensionUse[] {
  const required = new Set(requiredNames(prepared));
  const seen = new Set<string>();
  return prepared.extensionUses.filter(
    (u) => (guarded ? !required.has(u.name) : !u.guarded) && !available.has(u.name) && !seen.has(u.name) && seen.add(u.name),
  );
}

/**
 * Digest of the inputs, written into the baseline header: SHA-256 over `<sha256>  <path>` lines of
 * the migrations in run order (the format of `sha256sum`), so `check` needs no database.
 */
export function inputDigest(set: MigrationSet): string {
  const lines = set.migrations.map((m) => `${m.sha256}  ${m.path}\n`).join('');
  return createHash('sha256').update(lines).digest('hex');
}
