/**
 * The event-trigger log behind cheap provenance looks: `ddl_command_end` and `sql_drop` triggers
 * write the catalog address of every object a command creates, alters or drops into an unlogged
 * table; each look takes them out (see `loggedQuery`). Installed by the superuser after the
 * before-snapshot and the first look, removed after the last look and before the catalog is read,
 * so neither the baseline nor the report ever sees it.
 */
import type pg from 'pg';

export const LOG_SCHEMA = 'pgsquash_provenance';

/**
 * Both triggers fire `ALWAYS`, also under `session_replication_role = replica`. The trigger
 * functions are security definers so that any migration role can write the log; any role may
 * read and empty it (the look runs in the migration session). GRANT and friends come with no address and are logged as such (the look then falls back to
 * the full scan).
 */
const installSql = `
CREATE SCHEMA ${LOG_SCHEMA};
CREATE UNLOGGED TABLE ${LOG_SCHEMA}.log (c pg_catalog.oid, o pg_catalog.oid, s pg_catalog.int4);
CREATE FUNCTION ${LOG_SCHEMA}.on_ddl() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS
  $$BEGIN INSERT INTO ${LOG_SCHEMA}.log SELECT classid, objid, objsubid FROM pg_catalog.pg_event_trigger_ddl_commands(); END$$;
CREATE FUNCTION ${LOG_SCHEMA}.on_drop() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS
  $$BEGIN INSERT INTO ${LOG_SCHEMA}.log SELECT classid, objid, objsubid FROM pg_catalog.pg_event_trigger_dropped_objects(); END$$;
GRANT USAGE ON SCHEMA ${LOG_SCHEMA} TO PUBLIC;
CREATE UNLOGGED TABLE ${LOG_SCHEMA}.horizon (x pg_catalog.int8);
INSERT INTO ${LOG_SCHEMA}.horizon VALUES (0);
GRANT SELECT, DELETE ON ${LOG_SCHEMA}.log TO PUBLIC;
GRANT SELECT, UPDATE ON ${LOG_SCHEMA}.horizon TO PUBLIC;
CREATE EVENT TRIGGER ${LOG_SCHEMA}_ddl ON ddl_command_end EXECUTE PROCEDURE ${LOG_SCHEMA}.on_ddl();
CREATE EVENT TRIGGER ${LOG_SCHEMA}_drop ON sql_drop EXECUTE PROCEDURE ${LOG_SCHEMA}.on_drop();
ALTER EVENT TRIGGER ${LOG_SCHEMA}_ddl ENABLE ALWAYS;
ALTER EVENT TRIGGER ${LOG_SCHEMA}_drop ENABLE ALWAYS`;

const removeSql = `
DROP EVENT TRIGGER IF EXISTS ${LOG_SCHEMA}_ddl;
DROP EVENT TRIGGER IF EXISTS ${LOG_SCHEMA}_drop;
DROP SCHEMA IF EXISTS ${LOG_SCHEMA} CASCADE`;

/**
 * Installs the log through `admin` (a superuser session) and checks that it fills: a server that
 * refuses event triggers (not superuser) or never fires them (PGlite runs single-user) gets false,
 * and nothing is left behind.
 */
export async function installLog(admin: pg.Client): Promise<boolean> {
  try {
    await admin.query(`BEGIN; ${installSql}; COMMIT`);
  } catch {
    await admin.query('ROLLBACK').catch(() => undefined);
    return false;
  }
  let fires = false;
  try {
    await admin.query('BEGIN');
    await admin.query(`CREATE TABLE ${LOG_SCHEMA}.probe ()`);
    fires = (await admin.query(`SELECT 1 FROM ${LOG_SCHEMA}.log LIMIT 1`)).rows.length > 0;
  } catch {
    fires = false;
  } finally {
    await admin.query('ROLLBACK').catch(() => undefined);
  }
  if (!fires) await removeLog(admin);
  return fires;
}

/** Sets the horizon of the next logged look to now (after the log's own catalog rows). */
export async function startHorizon(admin: pg.Client, horizon: string): Promise<void> {
  await admin.query(`UPDATE ${LOG_SCHEMA}.horizon SET x = $1`, [horizon]);
}

/** Lock timeout: a migration session left inside a transaction would hold the log's lock forever. */
export async function removeLog(admin: pg.Client): Promise<void> {
  await admin.query(`SET lock_timeout = '10s'; ${removeSql}`);
}
