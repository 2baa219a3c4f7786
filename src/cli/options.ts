import { Option, type Command } from 'commander';
import { migrationFormats, type MigrationFormat } from '../discover/types.js';
import { engineKinds, type EngineKind } from '../engine/types.js';
import { UsageError } from '../errors.js';
import { historyTableKinds, type HistoryTableKind } from '../replay/index.js';
import { registerSecret } from '../util/redact.js';
import type { PipelineOptions } from '../workflow/options.js';

/** Raw commander values; validated all at once by `parsePipelineOptions`. */
export interface RawOptions {
  format?: string;
  orderFile?: string;
  engine?: string;
  pgVersion?: string;
  pgBin?: string;
  image?: string;
  databaseUrl?: string;
  scratchDb?: string;
  preset?: string;
  stubExtension?: string[];
  superuser?: string;
  prelude?: string[];
  set?: string[];
  role?: string;
  var?: string[];
  historyTable?: string;
  templates?: boolean;
  json?: boolean;
  quiet?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function addDiscoverOptions(command: Command): Command {
  return command
    .addOption(new Option('--format <layout>', 'migration layout (default: detected)').choices([...migrationFormats]))
    .option('--order-file <file>', 'pin the order: one migration path per line, relative to the directory');
}

export function addEngineOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--engine <kind>', 'where to replay: auto picks a local engine that has every extension the migrations create')
        .choices(['auto', ...engineKinds])
        .default('auto'),
    )
    .option('--pg-version <major>', 'Postgres major to run (embedded: an installed major; docker: image tag)')
    .option('--pg-bin <dir>', "a local install's binaries, e.g. /usr/lib/postgresql/15/bin")
    .option('--image <image>', 'docker: image to run (default postgres:<major>)')
    .option('--database-url <url>', 'url: an existing server; pgsquash works only in scratch databases it creates and drops')
    .option('--scratch-db <name>', 'name of the replay database (default generated): embedded/docker replace the cluster\'s own of that name, e.g. postgres for migrations that name their database; url refuses an existing one')
    .option('--preset <name>', 'platform preset run before the migrations (supabase), or none; default: detected')
    .option('--stub-extension <name>', 'provide a stand-in for an extension no local engine has (repeatable)', collect)
    .option('--superuser <name>', 'embedded/docker: name of the bootstrap superuser (default postgres), for histories that demote postgres');
}

export function addReplayOptions(command: Command): Command {
  return command
    .option('--prelude <file>', 'SQL run before the migrations, as superuser (repeatable)', collect)
    .option('--set <name=value>', 'session setting for the migrations, e.g. search_path=app,public (repeatable)', collect)
    .option('--role <name>', 'run the migrations as this role (SET ROLE)')
    .option('--var <name=value>', 'value for a Go-template placeholder such as {{ index .Options "Namespace" }} (repeatable)', collect)
    .addOption(new Option('--history-table <runner>', "create the runner's own history table first").choices([...historyTableKinds]))
    .option('--no-templates', 'send files as written, even if they contain {{ }}');
}

export function addOutputOptions(command: Command): Command {
  return command.option('--json', 'print one JSON document for machines').option('-q, --quiet', 'print only results and errors');
}

/** Collects every problem in the options before failing, so users fix them in one go. */
export function parsePipelineOptions(raw: RawOptions): PipelineOptions {
  const problems: string[] = [];
  const pairs = (flag: string, values: string[] | undefined) => {
    const out: Record<string, string> = {};
    for (const value of values ?? []) {
      const eq = value.indexOf('=');
      if (eq <= 0) problems.push(`${flag} ${value}: expected NAME=VALUE`);
      else out[value.slice(0, eq)] = value.slice(eq + 1);
    }
    return out;
  };
  let pgVersion: number | undefined;
  if (raw.pgVersion !== undefined) {
    pgVersion = Number(raw.pgVersion);
    if (!Number.isInteger(pgVersion) || pgVersion < 10) problems.push(`--pg-version ${raw.pgVersion}: expected a Postgres major such as 15 or 17`);
  }
  const engine = (raw.engine ?? 'auto') as EngineKind | 'auto';
  if (engine === 'url' && !raw.databaseUrl) problems.push('--engine url needs --database-url');
  if (raw.databaseUrl && engine !== 'url') problems.push('--database-url is only used with --engine url');
  if (raw.scratchDb && engine === 'pglite') problems.push('--scratch-db is not used with --engine pglite (its database is postgres)');
  if (raw.image && engine !== 'docker') problems.push('--image is only used with --engine docker');
  if (raw.pgBin && engine !== 'embedded' && engine !== 'auto') problems.push('--pg-bin is only used with --engine embedded');
  if (raw.databaseUrl) {
    try {
      registerSecret(decodeURIComponent(new URL(raw.databaseUrl).password));
    } catch {
      problems.push('--database-url: not a URL (expected postgres://user:password@host:port/db)');
    }
  }
  const settings = pairs('--set', raw.set);
  const vars = pairs('--var', raw.var);
  if (problems.length > 0) throw new UsageError(problems.length === 1 ? problems[0]! : 'invalid options', problems.length === 1 ? [] : problems);
  return {
    ...(raw.format ? { format: raw.format as MigrationFormat } : {}),
    ...(raw.orderFile ? { orderFile: raw.orderFile } : {}),
    engine,
    ...(pgVersion !== undefined ? { pgVersion } : {}),
    ...(raw.pgBin ? { pgBin: raw.pgBin } : {}),
    ...(raw.image ? { image: raw.image } : {}),
    ...(raw.databaseUrl ? { databaseUrl: raw.databaseUrl } : {}),
    ...(raw.scratchDb ? { scratchName: raw.scratchDb } : {}),
    ...(raw.preset ? { preset: raw.preset } : {}),
    ...(raw.stubExtension?.length ? { stubExtensions: raw.stubExtension } : {}),
    ...(raw.superuser ? { superuser: raw.superuser } : {}),
    ...(raw.prelude?.length ? { preludes: raw.prelude } : {}),
    settings,
    ...(raw.role ? { role: raw.role } : {}),
    vars,
    ...(raw.historyTable ? { historyTable: raw.historyTable as HistoryTableKind } : {}),
    ...(raw.templates === false ? { templates: 'off' as const } : {}),
  };
}

/** Help of `--owners` (baseline, squash, regenerate). */
export const OWNERS_HELP = 'emit OWNER TO for owned objects, but not to the superuser that applies the baseline (it owns what it creates)';
