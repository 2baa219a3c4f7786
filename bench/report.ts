/** Figures → ratios, target verdicts, the Markdown table (bench/RESULTS.md) and JSON (bench/results.json). */
import type { CaseResult, ChildFigures } from './measure.js';

export function median(xs: number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

const pick = (rs: ChildFigures[], f: (c: ChildFigures) => number) => median(rs.map(f));

export interface CaseSummary {
  name: string;
  group: CaseResult['group'];
  files: number;
  objects: number | undefined;
  n: number;
  floorReplayMs: number | undefined;
  dumpMs: number | undefined;
  migraMs: number | undefined;
  engineStartMs: number | undefined;
  replayMs: number | undefined;
  /** The after-preludes catalog snapshot, timed apart from the replay it interrupts. */
  snapshotMs: number | undefined;
  introspectMs: number | undefined;
  emitMs: number | undefined;
  verifyMs: number | undefined;
  totalMs: number | undefined;
  peakRssMb: number | undefined;
  replayRatio: number | undefined;
  introspectRatio: number | undefined;
  baselineRatio: number | undefined;
  /** pg_dump -s time / introspection time on the same database (≥ 3 is the target). */
  /** pg_dump -s ÷ schema-only introspection (like for like), and ÷ introspection with the data. */
  sameDbSpeedup: number | undefined;
  sameDbSpeedupWithData: number | undefined;
  /** Replay with provenance tracking ÷ replay without (medians; same engine, interleaved). */
  provenanceRatio: number | undefined;
  trackerMs: number | undefined;
  /** Set when the tracked replay was stopped at this limit. */
  provenanceTimedOutMs: number | undefined;
  /** Set when the run's provenance budget was spent before this case. */
  provenanceSkipped: string | undefined;
  differences: number | null | undefined;
  errors: string[];
}

const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? undefined : a / b);

export function summarize(r: CaseResult): CaseSummary {
  const floorTotal = median(r.floor.replayMs.map((ms, k) => ms + (r.floor.dumpMs[k] ?? 0)));
  const s: CaseSummary = {
    name: r.name,
    group: r.group,
    files: r.files,
    objects: r.pgsquash[0]?.objects,
    n: Math.min(r.floor.replayMs.length, r.pgsquash.length),
    floorReplayMs: median(r.floor.replayMs),
    dumpMs: median(r.floor.dumpMs),
    migraMs: r.migra && 'ms' in r.migra ? r.migra.ms : undefined,
    engineStartMs: pick(r.pgsquash, (c) => c.timings.engineStartMs),
    replayMs: pick(r.pgsquash, (c) => c.timings.replayMs),
    snapshotMs: r.pgsquash.some((c) => c.timings.snapshotMs === undefined) ? undefined : pick(r.pgsquash, (c) => c.timings.snapshotMs ?? 0),
    introspectMs: pick(r.pgsquash, (c) => c.timings.introspectMs),
    emitMs: pick(r.pgsquash, (c) => c.timings.emitMs),
    verifyMs: pick(r.pgsquash, (c) => c.timings.verifyMs),
    totalMs: pick(r.pgsquash, (c) => c.timings.totalMs),
    peakRssMb: r.pgsquash.length ? Math.max(...r.pgsquash.map((c) => c.maxRssBytes)) / 2 ** 20 : undefined,
    replayRatio: undefined,
    introspectRatio: undefined,
    baselineRatio: undefined,
    sameDbSpeedup: r.headToHead ? ratio(median(r.headToHead.dumpMs), median(r.headToHead.schemaMs)) : undefined,
    sameDbSpeedupWithData: r.headToHead ? ratio(median(r.headToHead.dumpMs), median(r.headToHead.introspectMs)) : undefined,
    provenanceRatio: r.provenance ? ratio(median(r.provenance.trackedMs), median(r.provenance.plainMs)) : undefined,
    trackerMs: r.provenance ? median(r.provenance.trackerMs) : undefined,
    provenanceTimedOutMs: r.provenance?.timedOutMs,
    provenanceSkipped: r.provenance?.skipped,
    differences: r.pgsquash.at(-1)?.differences,
    errors: [...r.errors, ...(r.migra && 'error' in r.migra ? [`migra: ${r.migra.error}`] : [])],
  };
  s.replayRatio = ratio(s.replayMs, s.floorReplayMs);
  s.introspectRatio = ratio(s.introspectMs, s.dumpMs);
  s.baselineRatio = ratio(s.totalMs, floorTotal);
  return s;
}

export interface Target {
  target: string;
  measured: string;
  met: boolean | undefined;
}

const sec = (ms: number | undefined) => (ms === undefined ? '–' : ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`);
const x = (v: number | undefined) => (v === undefined ? '–' : `${v.toFixed(2)}×`);
const mb = (v: number | undefined) => (v === undefined ? '–' : `${v.toFixed(0)} MB`);

export function targets(cases: CaseSummary[], engineReadyMs: number | undefined): Target[] {
  const h1k = cases.find((c) => c.group === 'history' && c.files === 1000);
  const h10k = cases.find((c) => c.group === 'history' && c.files === 10000);
  const wide = cases.find((c) => c.group === 'wide');
  const t = (target: string, value: number | undefined, measured: string, ok: (v: number) => boolean): Target => ({
    target,
    measured: value === undefined ? 'not measured in this run' : measured,
    met: value === undefined ? undefined : ok(value),
  });
  return [
    t('replay ≤ 1.15× the psql floor (1,000 files)', h1k?.replayRatio, `${x(h1k?.replayRatio)} (${sec(h1k?.replayMs)} vs ${sec(h1k?.floorReplayMs)})`, (v) => v <= 1.15),
    t(
      `introspection ≥ 3× faster than pg_dump -s, same database (${wide?.name ?? 'wide schema'})`,
      wide?.sameDbSpeedup,
      `${x(wide?.sameDbSpeedup)} faster (schema only, as pg_dump -s; ${x(wide?.sameDbSpeedupWithData)} reading the data too)`,
      (v) => v >= 3,
    ),
    t('whole baseline ≤ 1.5× (floor replay + pg_dump -s), 1,000 files', h1k?.baselineRatio, `${x(h1k?.baselineRatio)} (${sec(h1k?.totalMs)})`, (v) => v <= 1.5),
    t('peak RSS < 500 MB, 10,000 migrations', h10k?.peakRssMb, mb(h10k?.peakRssMb), (v) => v < 500),
    t('embedded engine ready < 1 s', engineReadyMs, sec(engineReadyMs), (v) => v < 1000),
  ];
}

export function caseTable(cases: CaseSummary[]): string {
  const head =
    '| case | files | objects | n | floor replay | pg_dump -s | migra | discover + engine | replay | snapshot after preludes | introspect | emit | verify | baseline | peak RSS | provenance (tracked ÷ plain replay) | replay ÷ floor | introspect ÷ pg_dump | baseline ÷ (floor + dump) |';
  const rows = cases.map(
    (c) =>
      `| ${c.name} | ${c.files} | ${c.objects ?? '–'} | ${c.n} | ${sec(c.floorReplayMs)} | ${sec(c.dumpMs)} | ${sec(c.migraMs)} | ${sec(c.engineStartMs)} | ${sec(c.replayMs)} | ${sec(c.snapshotMs)} | ${sec(c.introspectMs)} | ${sec(c.emitMs)} | ${sec(c.verifyMs)} | ${sec(c.totalMs)} | ${mb(c.peakRssMb)} | ${c.provenanceSkipped !== undefined ? 'not measured (run budget spent)' : c.provenanceTimedOutMs !== undefined ? `stopped after ${sec(c.provenanceTimedOutMs)}` : c.provenanceRatio === undefined ? '–' : `${x(c.provenanceRatio)} (${sec(c.trackerMs)})`} | ${x(c.replayRatio)} | ${x(c.introspectRatio)} | ${x(c.baselineRatio)} |`,
  );
  return [head, `|${' --- |'.repeat(19)}`, ...rows].join('\n');
}

/** Growth per 10× files for the history sizes: time(10N) / time(N); linear is ~10. */
export function scalingTable(cases: CaseSummary[]): string {
  const h = cases.filter((c) => c.group === 'history').sort((a, b) => a.files - b.files);
  const rows: string[] = [];
  for (let k = 1; k < h.length; k++) {
    const a = h[k - 1] as CaseSummary;
    const b = h[k] as CaseSummary;
    const g = (f: (c: CaseSummary) => number | undefined) => x(ratio(f(b), f(a)));
    rows.push(
      `| ${a.files} → ${b.files} | ${x(ratio(b.objects, a.objects))} | ${g((c) => c.floorReplayMs)} | ${g((c) => c.dumpMs)} | ${g((c) => c.replayMs)} | ${g((c) => c.introspectMs)} | ${g((c) => c.emitMs)} | ${g((c) => c.verifyMs)} | ${g((c) => c.totalMs)} | ${g((c) => c.peakRssMb)} | ${g((c) => c.trackerMs)} |`,
    );
  }
  return [
    '| files | objects | floor replay | pg_dump -s | replay | introspect | emit | verify | baseline | peak RSS | provenance tracker |',
    `|${' --- |'.repeat(11)}`,
    ...rows,
  ].join('\n');
}

export function targetTable(ts: Target[]): string {
  return [
    '| target | measured | met |',
    '| --- | --- | --- |',
    ...ts.map((t) => `| ${t.target} | ${t.measured} | ${t.met === undefined ? '–' : t.met ? 'yes' : '**no**'} |`),
  ].join('\n');
}
