import type { Command } from 'commander';
import { createTwoFilesPatch } from 'diff';
import { DriftError } from '../../errors.js';
import type { Difference } from '../../verify/index.js';
import { diffBaseline, type DiffResult } from '../../workflow/diff.js';
import { addDiscoverOptions, addEngineOptions, addOutputOptions, addReplayOptions, parsePipelineOptions, type RawOptions } from '../options.js';
import { createOutput } from '../output.js';
import { registerSecret } from '../../util/redact.js';

interface DiffFlags extends RawOptions {
  baseline?: string;
  against?: string;
  data?: boolean;
  color?: boolean;
}

export function registerDiff(program: Command): void {
  const command = program
    .command('diff')
    .description('compare what the migrations build with what the baseline (or a live database) holds, object by object')
    .argument('[dir]', 'migrations directory (optional with both --baseline and --against)')
    .option('--baseline <file>', 'the baseline to compare')
    .option('--against <url>', 'a live database to compare with instead (read-only session, schema only)')
    .option('--data', 'also compare the reference data (rows the migrations inserted; now() defaults will differ)')
    .option('--no-color', 'no colours, even on a terminal');
  addDiscoverOptions(command);
  addEngineOptions(command);
  addReplayOptions(command);
  addOutputOptions(command);
  command.action(async (dir: string | undefined, raw: DiffFlags) => {
    const out = createOutput(raw);
    if (raw.against) {
      try {
        registerSecret(decodeURIComponent(new URL(raw.against).password));
      } catch {
        // diffBaseline reports the malformed URL.
      }
    }
    const result = await diffBaseline(dir, {
      ...parsePipelineOptions(raw),
      log: (m) => out.info(m),
      ...(raw.baseline ? { baseline: raw.baseline } : {}),
      ...(raw.against ? { against: raw.against } : {}),
      ...(raw.data ? { data: true } : {}),
    });
    for (const w of result.warnings) out.warn(`warning: ${w}`);
    const doc = { left: result.left, right: result.right, equal: result.differences.length === 0, differences: result.differences };
    if (!result.differences.length) {
      if (out.json) out.data(doc);
      else out.result(`no differences: ${result.right} builds the same database as ${result.left}`);
      return;
    }
    if (!out.json) out.result(formatDiff(result, Boolean(process.stdout.isTTY) && raw.color !== false));
    // In --json mode the error document is the only one printed; it carries the differences.
    throw new DifferencesFound(`${result.differences.length} object(s) differ between ${result.left} and ${result.right}`, result.differences.map((d) => `${d.id}: ${d.change}`), doc);
  });
}

/** A drift with the machine-readable differences, for the JSON error document (`error.data`). */
export class DifferencesFound extends DriftError {
  constructor(
    message: string,
    details: string[],
    readonly data: unknown,
  ) {
    super(message, details);
  }
}

export function formatDiff(result: DiffResult, color: boolean): string {
  return result.differences.map((d) => objectPatch(d, result, color)).join('\n');
}

function objectPatch(d: Difference, r: DiffResult, color: boolean): string {
  const what = d.change === 'missing' ? `only in ${r.left}` : d.change === 'extra' ? `only in ${r.right}` : `differs in ${d.fields.join(', ')}`;
  const patch = createTwoFilesPatch(`${r.left}: ${d.id}`, `${r.right}: ${d.id}`, withNewline(d.a), withNewline(d.b), undefined, undefined, { context: 3 });
  // Drop the "Index:" and "====" lines the patch starts with; the object id says it.
  const body = patch.split('\n').filter((l) => !l.startsWith('Index:') && !/^=+$/.test(l)).join('\n');
  const header = `# ${d.id} (${what})`;
  if (!color) return `${header}\n${body}`;
  const painted = body
    .split('\n')
    .map((l) => (l.startsWith('+') && !l.startsWith('+++') ? `\x1b[32m${l}\x1b[0m` : l.startsWith('-') && !l.startsWith('---') ? `\x1b[31m${l}\x1b[0m` : l.startsWith('@@') ? `\x1b[36m${l}\x1b[0m` : l))
    .join('\n');
  return `\x1b[1m${header}\x1b[0m\n${painted}`;
}

const withNewline = (s: string | null) => (s === null || s === '' ? '' : s.endsWith('\n') ? s : `${s}\n`);
