import type pg from 'pg';

export const engineKinds = ['embedded', 'docker', 'url', 'pglite'] as const;
export type EngineKind = (typeof engineKinds)[number];

export interface EngineOptions {
  kind: EngineKind;
  /** Postgres major to run (embedded: picks an installed major; docker: default image tag). */
  pgVersion?: number;
  /** A local install's binary folder (initdb, postgres, pg_ctl), e.g. /usr/lib/postgresql/15/bin. */
  pgBin?: string;
  /** docker: image to run (default `postgres:<major>`). */
  image?: string;
  /** url: an existing server; only scratch databases are created on it, never written otherwise. */
  databaseUrl?: string;
  /** url: exact name of the first scratch database (later ones get `_2`, `_3`, ...); default generated. */
  scratchName?: string;
  /** Stand-in extensions (presets/stubs) the server must offer, e.g. pg_net for a Supabase replay. */
  stubExtensions?: string[];
  /**
   * embedded, docker: the name of the bootstrap superuser (default `postgres`), for histories that
   * demote `postgres` (Supabase's own init scripts run as `supabase_admin`).
   */
  superuser?: string;
  /** Called with one-line progress messages (engine started, ...). Never receives secrets. */
  log?: (message: string) => void;
}

/** A fresh, empty database the pipeline may do anything to; dropped by `drop()` or engine close. */
export interface Database {
  readonly name: string;
  /** Connection settings for `pg`: host, port, user, password, database; or a `connectionString` (url engine). */
  readonly config: pg.ClientConfig;
  /** A connection URL with the password included, for child processes (psql, pg_dump). Never print it. */
  readonly url: string;
  /** The same URL with the password replaced by `***`, safe for messages. */
  readonly safeUrl: string;
  connect(overrides?: Partial<pg.ClientConfig>): Promise<pg.Client>;
  drop(): Promise<void>;
}

/** One running Postgres server that hands out throwaway databases and releases everything on close. */
export interface Engine {
  readonly kind: EngineKind;
  /** Server version as reported by `server_version_num`, e.g. 170010. */
  readonly serverVersionNum: number;
  readonly major: number;
  /** Folder with client binaries matching the server (pg_dump, psql), when known. */
  readonly binDir: string | undefined;
  /** Superuser name that owns the databases this engine creates. */
  readonly superuser: string;
  /** Server version text, e.g. "17.10". */
  readonly serverVersion?: string;
  /** Where the server runs, safe to print (no password): "127.0.0.1:5433 (bundled binaries)". */
  readonly location?: string;
  /**
   * Why the server is gone, if it died mid-use (crash, OOM killer). A query error while this is
   * set is an engine failure (exit 4), not a migration failure.
   */
  failure?(): Error | undefined;
  createDatabase(prefix?: string): Promise<Database>;
  close(): Promise<void>;
}
