import { Option, type Command } from 'commander';
import { migrationFormats, type MigrationFormat } from '../discover/types.js';
import { engineKinds, type EngineOptions } from '../engine/types.js';
import { UsageError } from '../errors.js';

/** Raw commander values; validated all at once by the `parse*` functions below. */
export interface RawOptions {
  format?: string;
  orderFile?: string;
  engine?: string;
  pgVersion?: string;
  pgBin?: string;
  image?: string;
  databaseUrl?: string;
  prelude?: string[];
  set?: string[];
  role?: string;
  var?: string[];
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
    .addOption(new Option('--engine <kind>', 'where to replay').choices([...engineKinds]).default('embedded'))
    .option('--pg-version <major>', 'Postgres major to run (embedded: an installed major; docker: image tag)')
    .option('--pg-bin <dir>', "a local install's binaries, e.g. /usr/lib/postgresql/15/bin")
    .option('--image <image>', 'docker: image to run (default postgres:<major>)')
    .option('--database-url <url>', 'url: an existing server; pgsquash works only in a scratch database it creates');
}

export function addReplayOptions(command: Command): Command {
  return command
    .option('--prelude <file>', 'SQL run before the migrations (repeatable)', collect)
    .option('--set <name=value>', 'session setting for every migration, e.g. search_path=app,public (repeatable)', collect)
    .option('--role <name>', 'run the migrations as this role')
    .option('--var <name=value>', 'value for a Go-template placeholder such as {{ index .Options "Namespace" }} (repeatable)', collect);
}

export function addOutputOptions(command: Command): Command {
  return command.option('--json', 'print one JSON document for machines').option('-q, --quiet', 'print only results and errors');
}

export interface DiscoverConfig {
  format?: MigrationFormat;
  orderFile?: string;
}

export interface ReplayConfig {
  preludes: string[];
  settings: Record<string, string>;
  role?: string;
  vars: Record<string, string>;
}

/** Collects every problem in the options before failing, so users fix them in one go. */
export function parseConfig(raw: RawOptions): { discover: DiscoverConfig; engine: EngineOptions; replay: ReplayConfig } {
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
  const kind = (raw.engine ?? 'embedded') as EngineOptions['kind'];
  if (kind === 'url' && !raw.databaseUrl) problems.push('--engine url needs --database-url');
  if (raw.databaseUrl && kind !== 'url') problems.push('--database-url is only used with --engine url');
  if (raw.image && kind !== 'docker') problems.push('--image is only used with --engine docker');
  if (raw.pgBin && kind !== 'embedded') problems.push('--pg-bin is only used with --engine embedded');
  const settings = pairs('--set', raw.set);
  const vars = pairs('--var', raw.var);
  if (problems.length > 0) throw new UsageError(problems.length === 1 ? problems[0]! : 'invalid options', problems.length === 1 ? [] : problems);
  return {
    discover: {
      ...(raw.format ? { format: raw.format as MigrationFormat } : {}),
      ...(raw.orderFile ? { orderFile: raw.orderFile } : {}),
    },
    engine: {
      kind,
      ...(pgVersion !== undefined ? { pgVersion } : {}),
      ...(raw.pgBin ? { pgBin: raw.pgBin } : {}),
      ...(raw.image ? { image: raw.image } : {}),
      ...(raw.databaseUrl ? { databaseUrl: raw.databaseUrl } : {}),
    },
    replay: {
      preludes: raw.prelude ?? [],
      settings,
      ...(raw.role ? { role: raw.role } : {}),
      vars,
    },
  };
}
