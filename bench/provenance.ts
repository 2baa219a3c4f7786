/**
 * `node --import tsx bench/provenance.ts [--reps 5] [--only NAME] [--dump DIR]`: the cost of
 * recording provenance (the report's ReportRecorder hooks) over a plain replay, on the real
 * corpora with their runner settings (bench/corpora.ts). Plain and tracked replays alternate, each
 * into a fresh database of one embedded engine; the figure is median(tracked) / median(plain) - 1
 * (the target: at most 25%). Wall time suffers from whatever else the machine runs, so
 * the CPU time of the whole server (every backend) plus this process is given beside it. `--dump DIR` also writes each corpus's rendered report
 * (`pgsquash report`) to DIR/<corpus>.md, to compare two implementations byte for byte.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { discover } from '../src/discover/index.js';
import { createEngine } from '../src/engine/index.js';
import { replay } from '../src/replay/index.js';
import { renderReport, reportDirectory, ReportRecorder } from '../src/report/index.js';
import { availableCorpora, corporaRoot } from './corpora.js';
import { median } from './report.js';

const argv = process.argv.slice(2);
const flag = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const reps = Number(flag('--reps') ?? 5);
const only = flag('--only');
const dump = flag('--dump');
const names = ['crates-io', 'langfuse', 'marquez', 'harness'];

const { present, skipped } = availableCorpora();
for (const line of skipped) console.log(line);
const chosen = present.filter((c) => (only ? c.name === only : names.includes(c.name)));
const rows: string[] = ['corpus | files | plain replay | tracked replay | overhead | recorder ms | CPU plain | CPU tracked | CPU overhead'];

/** CPU seconds (user + system) of a process from /proc, with `children` also those of its reaped children. */
async function procCpu(pid: number, children = false): Promise<number> {
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(stat[11]) + Number(stat[12]) + (children ? Number(stat[13]) + Number(stat[14]) : 0);
  return ticks / 100;
}

/**
 * CPU seconds of this process and of the whole server: the postmaster with every backend, live or
 * ended (the tracker's look sessions run in backends of their own).
 */
async function cpu(backend: number): Promise<number> {
  const postmaster = Number((await readFile(`/proc/${backend}/stat`, 'utf8')).split(') ')[1]?.split(' ')[1]);
  let total = await procCpu(postmaster, true);
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (Number(stat.split(') ')[1]?.split(' ')[1]) === postmaster) total += await procCpu(Number(entry)).catch(() => 0);
  }
  const own = process.cpuUsage();
  return total + (own.user + own.system) / 1e6;
}

for (const corpus of chosen) {
  const dir = path.join(corporaRoot, corpus.dir);
  const set = await discover(dir);
  const engine = await createEngine({ kind: 'embedded' });
  const plain: number[] = [];
  const tracked: number[] = [];
  const recording: number[] = [];
  const cpuPlain: number[] = [];
  const cpuTracked: number[] = [];
  try {
    // One warm-up of each, not counted (first-touch caches, JIT).
    for (let k = -1; k < reps; k++) {
      for (const withTracking of [false, true]) {
        const db = await engine.createDatabase('bench_provenance');
        const recorder = withTracking ? new ReportRecorder(set) : undefined;
        try {
          // Load-independent figure: CPU of the whole server and of this process, from the end
          // of the preludes to after the last file's hooks.
          const hooks = recorder?.hooks();
          let pid = 0;
          let cpu0 = 0;
          let used = 0;
          const result = await replay(set, db, {
            ...corpus.options,
            ...(hooks ? { fileEpilogue: hooks.fileEpilogue } : {}),
            onPreludesDone: async (phase) => {
              pid = (await phase.client.query<{ p: number }>('SELECT pg_catalog.pg_backend_pid() AS p')).rows[0]?.p ?? 0;
              cpu0 = await cpu(pid);
              await hooks?.onPreludesDone(phase);
            },
            onFileDone: async (info) => {
              await hooks?.onFileDone(info);
              if (info.index === set.migrations.length - 1) used = (await cpu(pid)) - cpu0;
            },
          });
          if (k < 0) continue;
          (withTracking ? tracked : plain).push(result.durationMs);
          (withTracking ? cpuTracked : cpuPlain).push(used);
          if (recorder) recording.push(recorder.result().recordingMs);
        } finally {
          await recorder?.close();
          await db.drop();
        }
      }
    }
  } finally {
    await engine.close();
  }
  const p = median(plain) as number;
  const t = median(tracked) as number;
  const cp = median(cpuPlain) as number;
  const ct = median(cpuTracked) as number;
  rows.push(
    `${corpus.name} | ${set.migrations.length} | ${(p / 1000).toFixed(2)} s | ${(t / 1000).toFixed(2)} s | ${((t / p - 1) * 100).toFixed(0)}% | ${(median(recording) as number).toFixed(0)}` +
      ` | ${cp.toFixed(2)} s | ${ct.toFixed(2)} s | ${((ct / cp - 1) * 100).toFixed(0)}%`,
  );
  console.log(rows.at(-1));
  if (dump) {
    await mkdir(dump, { recursive: true });
    const { report } = await reportDirectory(dir, { ...corpus.options, engine: 'embedded', preset: 'none' });
    await writeFile(path.join(dump, `${corpus.name}.md`), renderReport(report));
  }
}
console.log(`\nmedian of ${reps}, plain and tracked interleaved\n${rows.join('\n')}`);
