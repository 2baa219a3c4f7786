/**
 * The event-trigger log behind cheap provenance looks: `ddl_command_end` and `sql_drop` triggers
 * write the catalog address of every object a migration command creates, alters or drops into an
 * unlogged table, numbered, which each look reads past the last entry it saw (provenance-sql.ts
 * `lookFunction`, installed with it). Installed after the first look and removed after the last
 * one, before the catalog is read, so neither the baseline nor the report sees it.
 */
import type pg from 'pg';
import { LOG_SCHEMA, lookFunction } from './provenance-sql.js';

/**
 * Both triggers fire ALWAYS, also under `session_replication_role = replica`. The functions are
 * security definers so that a migration running as any role can write the log. Commands run by an
 * extension's script are left out: extension members are not tracked. GRANT and ALTER DEFAULT
 * PRIVILEGES come without an address and are logged as such (the look then reads by xmin).
 * The look function runs as whatever role the migrations set: the schema and the function are
 * usable by all, also where preludes revoked EXECUTE on new functions from PUBLIC by default.
 */
const installSql = `
CREATE SCHEMA ${LOG_SCHEMA};
CREATE UNLOGGED TABLE ${LOG_SCHEMA}.log (n pg_catalog.int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY, c pg_catalog.oid, o pg_catalog.oid, s pg_catalog.int4);
CREATE FUNCTION ${LOG_SCHEMA}.on_ddl() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS
  $$BEGIN INSERT INTO ${LOG_SCHEMA}.log (c, o, s) SELECT classid, objid, objsubid FROM pg_catalog.pg_event_trigger_ddl_commands() WHERE NOT in_extension; END$$;
CREATE FUNCTION ${LOG_SCHEMA}.on_drop() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS
  $$BEGIN INSERT INTO ${LOG_SCHEMA}.log (c, o, s) SELECT classid, objid, objsubid FROM pg_catalog.pg_event_trigger_dropped_objects(); END$$;
CREATE EVENT TRIGGER ${LOG_SCHEMA}_ddl ON ddl_command_end EXECUTE FUNCTION ${LOG_SCHEMA}.on_ddl();
CREATE EVENT TRIGGER ${LOG_SCHEMA}_drop ON sql_drop EXECUTE FUNCTION ${LOG_SCHEMA}.on_drop();
ALTER EVENT TRIGGER ${LOG_SCHEMA}_ddl ENABLE ALWAYS;
ALTER EVENT TRIGGER ${LOG_SCHEMA}_drop ENABLE ALWAYS;
${lookFunction};
GRANT USAGE ON SCHEMA ${LOG_SCHEMA} TO PUBLIC;
GRANT EXECUTE ON FUNCTION ${LOG_SCHEMA}.look(pg_catalog.int8, pg_catalog.int8) TO PUBLIC`;

const removeSql = `
DROP EVENT TRIGGER IF EXISTS ${LOG_SCHEMA}_ddl;
DROP EVENT TRIGGER IF EXISTS ${LOG_SCHEMA}_drop;
DROP SCHEMA IF EXISTS ${LOG_SCHEMA} CASCADE`;

/**
 * Installs the log through `admin` (a superuser session) and checks that it fills. A server that
 * refuses event triggers (no superuser) or never fires them (PGlite runs single-user) gets false,
 * with nothing left behind.
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
    await admin.query(`BEGIN; CREATE TABLE ${LOG_SCHEMA}.probe ()`);
    fires = (await admin.query(`SELECT 1 FROM ${LOG_SCHEMA}.log LIMIT 1`)).rows.length > 0;
  } catch {
    fires = false;
  } finally {
    await admin.query('ROLLBACK').catch(() => undefined);
  }
  if (!fires) await removeLog(admin);
  return fires;
}

/** The lock timeout keeps a migration session left inside a transaction from blocking the removal forever. */
export async function removeLog(admin: pg.Client): Promise<void> {
  await admin.query(`SET lock_timeout = '10s'; ${removeSql}; RESET lock_timeout`);
}
