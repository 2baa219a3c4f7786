/**
 * What any per-file provenance design must pay before it reads a catalog row, against a plain
 * replay, on the corpora (bench/corpora.ts, with their runner settings):
 *   node --import tsx bench/tools/provenance-floor.ts [--reps 5] [--only NAME]
 * Modes, interleaved, each into a fresh database of one embedded engine:
 * - plain: the replay alone;
 * - statement: one empty statement (`SELECT 1`) in each file's message, after its COMMIT: the
 *   cheapest "after each file, one query" the issue asks for;
 * - triggers: the event-trigger log alone (src/replay/provenance-log.ts), no look;
 * - triggers+statement: both, i.e. the tracker with a look that reads nothing;
 * - recorder: the report's ReportRecorder, as `report` runs it.
 */
import path from 'node:path';
import { discover } from '../../src/discover/index.js';
import { createEngine } from '../../src/engine/index.js';
import { replay, type ReplayOptions } from '../../src/replay/index.js';
import { installLog } from '../../src/replay/provenance-log.js';
import { ReportRecorder } from '../../src/report/index.js';
import { availableCorpora, corporaRoot } from '../corpora.js';
import { median } from '../report.js';

const argv = process.argv.slice(2);
const flag = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const reps = Number(flag('--reps') ?? 5);
const only = flag('--only');
const names = ['crates-io', 'langfuse', 'marquez', 'harness'];
const modes = ['plain', 'statement', 'triggers', 'triggers+statement', 'recorder'] as const;

const { present, skipped } = availableCorpora();
for (const line of skipped) console.log(line);
const lines = [`corpus | files | ${modes.join(' | ')}`, `--- | ---: | ${modes.map(() => '---:').join(' | ')}`];
for (const corpus of present.filter((c) => (only ? c.name === only : names.includes(c.name)))) {
  const set = await discover(path.join(corporaRoot, corpus.dir));
  const engine = await createEngine({ kind: 'embedded' });
  const times = new Map<string, number[]>(modes.map((m) => [m, []]));
  try {
    // one warm-up round, not counted
    for (let k = -1; k < reps; k++) {
      for (const mode of modes) {
        const db = await engine.createDatabase('bench_provenance_floor');
        const admin = await db.connect();
        const recorder = mode === 'recorder' ? new ReportRecorder(set) : undefined;
        try {
          const options: ReplayOptions = recorder
            ? { ...corpus.options, ...recorder.hooks() }
            : {
                ...corpus.options,
                ...(mode.startsWith('triggers') ? { onPreludesDone: async () => void (await installLog(admin)) } : {}),
                ...(mode.endsWith('statement') ? { fileEpilogue: () => 'SELECT 1' } : {}),
              };
          const result = await replay(set, db, options);
          if (k >= 0) times.get(mode)?.push(result.durationMs);
        } finally {
          await recorder?.close();
          await admin.end();
          await db.drop();
        }
      }
    }
  } finally {
    await engine.close();
  }
  const plain = median(times.get('plain') ?? []) as number;
  const cells = modes.map((m) => {
    const t = median(times.get(m) ?? []) as number;
    return m === 'plain' ? `${(t / 1000).toFixed(2)} s` : `${(t / plain).toFixed(2)}×`;
  });
  lines.push(`${corpus.name} | ${set.migrations.length} | ${cells.join(' | ')}`);
  console.log(lines.at(-1));
}
console.log(`\nmedian of ${reps}, modes interleaved; ratios are ÷ plain\n${lines.join('\n')}`);
