/**
 * The consolidation report as data (`--json`), built from what a replay recorded and the catalog
 * the baseline was emitted from. Pure: no database, no clock (prelude paths are shown relative to
 * the working directory).
 */
import path from 'node:path';
import type { Catalog } from '../catalog/model.js';
import { presetsDir } from '../presets/paths.js';
import type { MigrationSet } from '../discover/types.js';
import type { ReplayResult } from '../replay/index.js';
import { foldHistory, type FileEffect, type ObjectTrail } from './history.js';
import { erDiagrams, type Diagram } from './mermaid.js';
import type { Recorded } from './recorder.js';
import { findSmells, type Smell } from './smells.js';

/**
 * A prelude's path as the report shows it, the same on every machine: a preset's file by its name
 * in the preset, another relative to the working directory when it lies under it.
 */
function shownPath(file: string): string {
  const inPresets = under(presetsDir, file);
  if (inPresets) return `preset ${inPresets}`;
  return under(process.cwd(), file) ?? file;
}

/** `file` relative to `dir`, with forward slashes, when it lies under `dir`. */
function under(dir: string, file: string): string | undefined {
  const relative = path.relative(dir, file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative.split(path.sep).join('/') : undefined;
}

export interface ReportInput {
  set: MigrationSet;
  replay: ReplayResult;
  catalog: Catalog;
  recorded: Recorded;
  /** Wall-clock phases in milliseconds; kept in the JSON, shown in Markdown only when asked. */
  timings?: Record<string, number>;
}

export interface FileReport extends FileEffect {
  path: string;
  label: string;
  /** Why a file without lasting schema change still mattered, or did not. */
  note: string | null;
}

export interface Report {
  summary: {
    files: number;
    format: string;
    formatReason: string;
    preludes: string[];
    postgresMajor: number;
    objects: { kind: string; schema: string; count: number }[];
    referenceData: { table: string; rows: number }[];
    timings?: Record<string, number>;
  };
  smells: Smell[];
  objects: (Omit<ObjectTrail, 'steps'> & { steps: (ObjectTrail['steps'][number] & { label: string })[] })[];
  files: FileReport[];
  diagrams: Diagram[];
  /** Provenance of every object in the baseline, for `annotateBaseline`. */
  provenance: Record<string, string[]>;
}

/** Versions when they name files uniquely (`011`), else paths. */
export function fileLabels(set: MigrationSet): string[] {
  const count = new Map<string, number>();
  for (const m of set.migrations) count.set(m.version, (count.get(m.version) ?? 0) + 1);
  return set.migrations.map((m) => (m.version && count.get(m.version) === 1 && !m.repeatable ? m.version : m.path));
}

const DATA_WORDS = new Set(['insert', 'update', 'delete', 'copy', 'select', 'with', 'truncate', 'merge']);

export function buildReport(input: ReportInput): Report {
  const { set, catalog, recorded } = input;
  const labels = fileLabels(set);
  const label = (f: number) => labels[f] ?? String(f);
  const { trails, files } = foldHistory(recorded.provenance);
  const objects = new Map<string, number>();
  for (const o of catalog.objects) objects.set(`${o.kind}\u0000${o.schema}`, (objects.get(`${o.kind}\u0000${o.schema}`) ?? 0) + 1);
  const skippedFiles = new Set(recorded.skipped.map((s) => s.file));
  const fileReports: FileReport[] = files.map((f) => {
    const m = set.migrations[f.file];
    const replayed = input.replay.files[f.file];
    let note: string | null = null;
    if (f.created.length + f.altered.length + f.dropped.length === 0) {
      const words = (m?.sql ?? '').match(/^\s*([A-Za-z]+)/gm)?.map((w) => w.trim().toLowerCase()) ?? [];
      if (m?.replacedByRunner) note = 'replaced by the runner';
      else if (words.some((w) => DATA_WORDS.has(w))) note = 'no schema change (data only)';
      else if (skippedFiles.has(f.file) || replayed?.notices.some((n) => /skipping$/.test(n.message))) note = 'no effect: every change was skipped (IF NOT EXISTS)';
      else note = 'no schema change';
    } else if (!f.lasting) note = 'no lasting effect: later files dropped or undid everything it did';
    return { ...f, path: m?.path ?? '?', label: label(f.file), note };
  });
  const provenance: Record<string, string[]> = {};
  for (const t of trails) {
    if (!t.exists) continue;
    const touched = [...new Set(t.steps.map((s) => s.file))].sort((a, b) => a - b);
    provenance[t.id] = touched.map((f) => set.migrations[f]?.path ?? String(f));
  }
  return {
    summary: {
      files: set.migrations.length,
      format: set.format,
      formatReason: set.formatReason,
      preludes: input.replay.preludes.map((p) => shownPath(p.path)),
      postgresMajor: Math.floor(catalog.serverVersionNum / 10000),
      objects: [...objects]
        .map(([k, count]) => {
          const [kind, schema] = k.split('\u0000') as [string, string];
          return { kind, schema, count };
        })
        .sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.schema < b.schema ? -1 : a.schema > b.schema ? 1 : 0)),
      referenceData: (catalog.data ?? []).map((d) => ({ table: d.qname, rows: d.rows.length })).sort((a, b) => (a.table < b.table ? -1 : 1)),
      ...(input.timings ? { timings: { ...input.timings, recordingMs: recorded.recordingMs } } : {}),
    },
    smells: findSmells({ set, provenance: recorded.provenance, trails, skipped: recorded.skipped, security: recorded.security, label }),
    objects: trails.map((t) => ({ ...t, steps: t.steps.map((s) => ({ ...s, label: label(s.file) })) })),
    files: fileReports,
    diagrams: erDiagrams(catalog.objects),
    provenance,
  };
}
