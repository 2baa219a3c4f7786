/**
 * `npm run bench [-- --quick] [-- --only NAME] [-- --no-policies]`: pgsquash against the raw floor
 * (one psql session + pg_dump -s, PG 15 binaries on both sides) and its peers, on generated
 * histories of 100, 1,000 and 10,000 migrations, a 10,000-table schema and the real corpora.
 * Writes bench/RESULTS.md and bench/results.json (full run) or RESULTS.quick.md / RESULTS.only.md
 * and their JSON under the OS temp dir (--quick, --only), and prints the tables. Not part of the test suite.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createEngine } from '../src/engine/index.js';
import { availableCorpora, corporaRoot } from './corpora.js';
import { cachedSet, GENERATOR_VERSION } from './generate.js';
import { measureCase, PG15_BIN, provenanceBudget, type CaseResult, type CaseSpec } from './measure.js';
import { caseTable, median, scalingTable, summarize, targets, targetTable } from './report.js';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.resolve(benchDir, '..');
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const policies = !argv.includes('--no-policies');
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined;
const started = performance.now();
const log = (line: string) => console.log(line);
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

if (!existsSync(path.join(PG15_BIN, 'psql')) || !existsSync(path.join(PG15_BIN, 'pg_dump'))) {
  console.error(`bench: needs PostgreSQL 15 binaries in ${PG15_BIN} (apt-get install postgresql-15)`);
  process.exit(2);
}

const git = (...args: string[]) => {
  try {
    return execFileSync('git', args, { cwd: projectRoot, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
};
const revision = git('rev-parse', '--short=12', 'HEAD');
const dirty = git('status', '--porcelain', '--untracked-files=no', '--', 'src') !== '';

async function specs(): Promise<CaseSpec[]> {
  const history = async (files: number, reps: number, extra: Partial<CaseSpec> = {}): Promise<CaseSpec> => {
    const set = await cachedSet({ profile: 'history', files, policies });
    return { name: `generated ${files.toLocaleString('en')}`, group: 'history', dir: set.dir, options: {}, reps, generated: set.counts, ...extra };
  };
  const wide = async (tables: number, extra: Partial<CaseSpec>): Promise<CaseSpec> => {
    const set = await cachedSet({ profile: 'wide', files: tables / 10 + 1 });
    return { name: `wide ${tables.toLocaleString('en')} tables`, group: 'wide', dir: set.dir, options: {}, reps: 1, generated: set.counts, ...extra };
  };
  const list: CaseSpec[] = quick
    ? [await history(100, 3, { provenance: 3, provenanceLimitMs: 30_000 }), await history(1000, 3, { migra: true, provenance: 3, provenanceLimitMs: 60_000 }), await wide(1000, { headToHead: 3 })]
    : [
        await history(100, 5, { provenance: 5, provenanceLimitMs: 30_000 }),
        await history(1000, 5, { migra: true, provenance: 3, provenanceLimitMs: 60_000 }),
        await history(10000, 3, { minReps: 1, budgetMs: 3 * 60_000, migra: true, provenance: 1, provenanceLimitMs: 90_000 }),
        await wide(10000, { headToHead: 5 }),
      ];
  if (!quick) {
    const { present, skipped } = availableCorpora();
    skipped.forEach((s) => log(`bench: ${s}`));
    for (const c of present) list.push({ name: c.name, group: 'corpus', dir: path.join(corporaRoot, c.dir), options: c.options, reps: 3, provenance: 1, provenanceLimitMs: 20_000 });
  }
  return only ? list.filter((c) => c.name.includes(only)) : list;
}

/** Engine start to ready, bundled Postgres 17 and the PG 15 install, interleaved. */
async function engineStarts(reps: number): Promise<{ bundledMs: number[]; pg15Ms: number[] }> {
  const out = { bundledMs: [] as number[], pg15Ms: [] as number[] };
  for (let k = 0; k < reps; k++) {
    for (const [list, options] of [
      [out.bundledMs, { kind: 'embedded' as const }],
      [out.pg15Ms, { kind: 'embedded' as const, pgBin: PG15_BIN }],
    ] as const) {
      const t0 = performance.now();
      const engine = await createEngine(options);
      list.push(performance.now() - t0);
      await engine.close();
    }
  }
  return out;
}


const loadStart = load();
log(`bench: ${quick ? 'quick' : 'full'} run at ${revision}${dirty ? ' (src modified)' : ''}, load ${loadStart}, ${os.cpus().length} cores`);
const cases = await specs();
const engine = await createEngine({ kind: 'embedded', pgBin: PG15_BIN });
const results: CaseResult[] = [];
const loads: Record<string, string> = {};
let starts: { bundledMs: number[]; pg15Ms: number[] };
try {
  starts = await engineStarts(quick ? 3 : 5);
  log(`engine ready: bundled 17 ${median(starts.bundledMs)?.toFixed(0)} ms, PG 15 ${median(starts.pg15Ms)?.toFixed(0)} ms (medians)`);
  for (const spec of cases) {
    loads[spec.name] = load();
    log(`${spec.name}: ${spec.dir} (load ${loads[spec.name]})`);
    results.push(await measureCase(engine, spec, log));
  }
} finally {
  await engine.close();
}

const summaries = results.map(summarize);
const engineReadyMs = median(starts.bundledMs);
const verdicts = targets(summaries, engineReadyMs);
const elapsedMin = (performance.now() - started) / 60_000;
const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}, PostgreSQL ${engine.serverVersion ?? engine.major} (${PG15_BIN}) on both sides`;
const markdown = `# Benchmarks

Generated by \`npm run bench${quick ? ' -- --quick' : ''}\` — do not edit by hand. Investigations of the misses: [NOTES.md](NOTES.md).

- Revision: \`${revision}\`${dirty ? ' with uncommitted changes under src/' : ''}; ${when}; ${elapsedMin.toFixed(1)} min
- Machine: ${machine}
- Load average (1/5/15 min) at start ${loadStart}, at end ${load()}; per case below. The machine is shared: read ratios, not absolute times, when the load was high.
- Generator v${GENERATOR_VERSION}${policies ? '' : ', **without RLS policies** (--no-policies)'}; medians of n interleaved runs (floor, pgsquash, floor, pgsquash, ...); pgsquash runs \`baseline\` end to end in a child process (peak RSS is the child's \`maxRSS\`).
- Floor: one \`psql -X -q -v ON_ERROR_STOP=1\` session \`\\i\`-ing every file into a fresh database, then \`pg_dump --schema-only\`. migra: \`@pgkit/migra\` from an empty database, once per case.

## Targets

${targetTable(verdicts)}

## Per case

${caseTable(summaries)}

${summaries.some((s) => s.sameDbSpeedup !== undefined) ? `Introspection against \`pg_dump -s\` on the same database (in-process introspection, interleaved): ${summaries.filter((s) => s.sameDbSpeedup !== undefined).map((s) => `${s.name}: pg_dump -s ${(median(results.find((r) => r.name === s.name)?.headToHead?.dumpMs ?? []) ?? 0).toFixed(0)} ms, schema-only introspection ${(median(results.find((r) => r.name === s.name)?.headToHead?.schemaMs ?? []) ?? 0).toFixed(0)} ms (${s.sameDbSpeedup?.toFixed(2)}× faster), introspection with the data ${(median(results.find((r) => r.name === s.name)?.headToHead?.introspectMs ?? []) ?? 0).toFixed(0)} ms (${s.sameDbSpeedupWithData?.toFixed(2)}× faster)`).join('; ')}.\n` : ''}
## Scaling (history profile, growth per 10× files; linear ≈ 10×)

${scalingTable(summaries)}

## Engine start (ready to accept connections, median of ${starts.bundledMs.length})

Bundled Postgres 17: ${median(starts.bundledMs)?.toFixed(0)} ms; PG 15 install: ${median(starts.pg15Ms)?.toFixed(0)} ms.

## Provenance tracking

The replay alone (src/replay, in a child process on its own PG 15 engine) without and with \`ProvenanceTracker\` hooks (src/replay/provenance.ts: an event-trigger log of the migrations' DDL, and after every file a look the migration session runs in the same message, right after the file's COMMIT), interleaved; the column shows tracked ÷ plain and the tracker's own time between files (the looks inside the files' messages are not in it). All provenance measurements of a run share a budget of ${(provenanceBudget.totalMs / 60_000).toFixed(0)} min (each tracked replay is also stopped at its case's limit); cases after it was spent say so. \`bench/provenance.ts\` measures the report's whole recorder on the corpora.

## Load per case

${summaries.map((s) => `- ${s.name}: ${loads[s.name]}${s.differences ? `; verification found ${s.differences} differences` : ''}${s.errors.length ? `; errors: ${s.errors.join('; ')}` : ''}`).join('\n')}
`;

const json = { revision, dirty, date: when, mode: quick ? 'quick' : only !== undefined ? 'only' : 'full', machine, load: { start: loadStart, end: load(), perCase: loads }, generatorVersion: GENERATOR_VERSION, policies, engineStart: starts, targets: verdicts, cases: summaries, raw: results };
// Only a full run of every case replaces bench/RESULTS.md; a quick or --only run goes to the temp dir.
const suffix = quick ? '.quick' : only !== undefined ? '.only' : '';
const outDir = suffix ? path.join(os.tmpdir(), 'pgsquash-bench') : benchDir;
const resultsFile = path.join(outDir, `RESULTS${suffix}.md`);
await mkdir(outDir, { recursive: true });
await writeFile(resultsFile, markdown);
await writeFile(path.join(outDir, `results${suffix}.json`), JSON.stringify(json, null, 2) + '\n');
log('');
log(targetTable(verdicts));
log('');
log(caseTable(summaries));
log('');
log(scalingTable(summaries));
log(`\nwritten: ${resultsFile} (${elapsedMin.toFixed(1)} min)`);
