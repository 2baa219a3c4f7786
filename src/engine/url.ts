import { EngineUnavailableError, UsageError } from '../errors.js';
import { createServerDatabase, openClient, REPLAY_DATABASE, scratchName, type ServerAccess } from './database.js';
import { track } from './lifecycle.js';
import { redactError, redactUrl } from '../util/redact.js';
import { startScratchWatchdog } from './scratch-watchdog.js';
import type { Database, Engine, EngineOptions } from './types.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * An existing server given by `--database-url`. Only scratch databases that this engine creates
 * are ever written; the database named in the URL is used solely to run CREATE/DROP DATABASE and
 * catalog reads. Every scratch database is dropped on close, on error and on SIGINT/SIGTERM.
 */
export async function startUrlEngine(options: EngineOptions): Promise<Engine> {
  const { url, secrets } = parseDatabaseUrl(options.databaseUrl);
  if (options.scratchName !== undefined && !NAME.test(options.scratchName)) {
    throw new UsageError(`scratch database name "${options.scratchName}" is not a plain identifier`, [
      'Use letters, digits and underscores, starting with a letter or underscore, at most 63 characters.',
    ]);
  }
  const where = `${url.hostname || 'localhost'}${url.port ? `:${url.port}` : ''}`;
  const admin = await openClient({ connectionString: url.toString() }, secrets);
  let facts: { version: string; versionNum: number; user: string; mayCreate: boolean; taken: boolean };
  try {
    const { rows } = await admin.query<{ version: string; num: string; usr: string; may_create: boolean; taken: boolean }>(
      `SELECT current_setting('server_version') AS version, current_setting('server_version_num') AS num,
              current_user AS usr, (rolcreatedb OR rolsuper) AS may_create,
              EXISTS (SELECT FROM pg_database WHERE datname = $1) AS taken
         FROM pg_roles WHERE rolname = current_user`,
      [options.scratchName ?? ''],
    );
    const row = rows[0]!;
    facts = { version: row.version, versionNum: Number(row.num), user: row.usr, mayCreate: row.may_create, taken: row.taken };
  } catch (error) {
    throw new EngineUnavailableError(`cannot inspect the server at ${where}: ${redactError(error, secrets)}`);
  } finally {
    await admin.end();
  }
  if (!facts.mayCreate) {
    throw new EngineUnavailableError(`role "${facts.user}" may not create databases on ${where}`, [
      `pgsquash works in a scratch database it creates and drops. Grant it: ALTER ROLE "${facts.user}" CREATEDB; or use --engine embedded.`,
    ]);
  }
  if (facts.taken) {
    throw new EngineUnavailableError(`scratch database "${options.scratchName}" already exists on ${where}; pgsquash only works in databases it creates`, [
      'Drop it yourself if it is a leftover of an interrupted run, or choose another scratch name.',
    ]);
  }

  const access: ServerAccess = {
    admin: { connectionString: url.toString() },
    serverVersionNum: facts.versionNum,
    configFor: (database) => ({ connectionString: urlWithDatabase(url, database) }),
    urlFor: (database) => urlWithDatabase(url, database),
    secrets,
    check: () => undefined,
  };
  const open = new Set<Database>();
  // Covers kill -9 of pgsquash, where no handler of ours runs.
  const watchdog = startScratchWatchdog(url.toString(), facts.versionNum);
  const registration = track(`scratch databases on ${where}`, async () => {
    const failures: string[] = [];
    for (const db of [...open].reverse()) {
      await db.drop().catch((error: Error) => failures.push(error.message));
    }
    // With failures the watchdog stays armed and retries the drops when we exit.
    if (failures.length) throw new EngineUnavailableError('could not drop every scratch database', failures);
    watchdog.dismiss();
  });
  let created = 0;
  let replayNamed = false;
  let closed = false;
  options.log?.(`existing Postgres ${facts.version} at ${where}, scratch databases only`);
  return {
    kind: 'url',
    serverVersionNum: facts.versionNum,
    serverVersion: facts.version,
    major: Math.floor(facts.versionNum / 10000),
    binDir: undefined,
    superuser: facts.user,
    location: redactUrl(url.toString()),
    async createDatabase(prefix = 'pgsquash_scratch') {
      if (closed) throw new EngineUnavailableError('the url engine is closed');
      created++;
      // --scratch-db names the replay's database, and gives the others its stem
      const replay = options.scratchName !== undefined && prefix === REPLAY_DATABASE && !replayNamed;
      if (replay) replayNamed = true;
      const name = options.scratchName ? (replay ? options.scratchName : `${options.scratchName}_${created}`) : scratchName(prefix);
      const db = await createServerDatabase(access, name, () => {
        open.delete(db);
        watchdog.forget(name);
      });
      // Only after CREATE succeeded: a name that already existed is someone else's database.
      watchdog.add(name);
      open.add(db);
      return db;
    },
    async close() {
      closed = true;
      await registration.release();
    },
  };
}

/** Validates `--database-url` and lists the forms its password may take in text. */
function parseDatabaseUrl(raw: string | undefined): { url: URL; secrets: string[] } {
  if (!raw) throw new UsageError('the url engine needs --database-url postgres://user:password@host:port/database');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Never echo the input: it may hold a password.
    throw new UsageError('--database-url is not a valid URL', ['Expected postgres://user:password@host:port/database']);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new UsageError(`--database-url must start with postgres:// or postgresql://, not ${url.protocol}//`);
  }
  const secrets = [url.password, safeDecode(url.password), url.searchParams.get('password') ?? ''].filter((s) => s.length > 0);
  return { url, secrets };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function urlWithDatabase(base: URL, database: string): string {
  const url = new URL(base.toString());
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}
