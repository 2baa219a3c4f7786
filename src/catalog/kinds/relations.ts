import {
  address, cls, collationIfNotDefault, columnar, defColumns, genericOptions, idOf, modelledConstraint, modelledIndex, modelledTable, notExtensionMember, ownerOf, relationId, relationIdentity, relationType, sequenceOptionsJson, userSchema,
} from '../queries/common.js';
import type { KindIntrospector } from './types.js';

const relHead = (kind: string) => `
SELECT ${relationId('c.relkind', 'n.nspname', 'c.relname')} AS id, ${address(cls('pg_class'), 'c.oid', '0')} AS a, '${kind}' AS kind, n.nspname AS schema, c.relname AS name,
  NULL AS parent, ${ownerOf('c.relowner')} AS owner,`;
const relWhere = `${userSchema('n.nspname')} AND ${notExtensionMember('pg_class', 'c.oid')}`;
/** A storage parameter of `pg_options_to_table(...) o` rendered `name='value'`, as CREATE ... WITH takes it. */
const optionText = `pg_catalog.quote_ident(o.option_name) || '=' || pg_catalog.quote_literal(o.option_value)`;
/** Storage parameters (`reloptions`, `attoptions`) as a json array of `optionText`. */
const reloptions = (col: string) => `COALESCE((SELECT pg_catalog.json_agg(${optionText})
      FROM pg_catalog.pg_options_to_table(${col}) o), '[]')`;
/** A relation's storage parameters, then its TOAST table's as `toast.name='value'` (they live on the TOAST table). */
const relationOptions = (rel: string) => `COALESCE((SELECT pg_catalog.json_agg(x.o ORDER BY x.k, x.n) FROM (
      SELECT 0 AS k, o.n, ${optionText} AS o
        FROM pg_catalog.pg_options_to_table(${rel}.reloptions) WITH ORDINALITY o (option_name, option_value, n)
      UNION ALL
      SELECT 1, o.n, 'toast.' || ${optionText}
        FROM pg_catalog.pg_class t, pg_catalog.pg_options_to_table(t.reloptions) WITH ORDINALITY o (option_name, option_value, n)
        WHERE t.oid = ${rel}.reltoastrelid) x), '[]')`;
/** The id of table `c` in schema `n` (a foreign table's type is `foreign table`). */
const tableId = relationId('c.relkind', 'n.nspname', 'c.relname');
const relFrom = `FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace`;

/** Sequences not owned by an identity column (those belong to the column). */
export const sequences: KindIntrospector = {
  name: 'sequence',
  query: () => `${relHead('sequence')}
  pg_catalog.json_build_object('qname', c.oid::pg_catalog.regclass::text, 'unlogged', c.relpersistence = 'u', ${sequenceOptionsJson},
    'ownedBy', (SELECT pg_catalog.format('%s.%I', d.refobjid::pg_catalog.regclass, a.attname)
      FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
      WHERE d.classid = ${cls('pg_class')} AND d.objid = c.oid AND d.refclassid = ${cls('pg_class')} AND d.deptype = 'a'),
    'ownedById', (SELECT ${idOf('d.refclassid', 'd.refobjid', 'd.refobjsubid')} FROM pg_catalog.pg_depend d
      WHERE d.classid = ${cls('pg_class')} AND d.objid = c.oid AND d.refclassid = ${cls('pg_class')} AND d.deptype = 'a')) AS def,
  NULL AS covers
${relFrom} JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid
WHERE c.relkind = 'S' AND ${relWhere}
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = ${cls('pg_class')} AND d.objid = c.oid AND d.deptype = 'i')
ORDER BY n.nspname, c.relname`,
};

export const tables: KindIntrospector = {
  name: 'table',
  columnar: true,
  query: () =>
    columnar(
      {
        id: relationId('c.relkind', 'n.nspname', 'c.relname'),
        a: address(cls('pg_class'), 'c.oid', '0'),
        kind: `'table'::text`,
        schema: 'n.nspname',
        name: 'c.relname',
        parent: 'NULL::text',
        owner: ownerOf('c.relowner'),
        ...defColumns({
          qname: 'c.oid::pg_catalog.regclass::text',
          relkind: 'c.relkind',
          unlogged: `c.relpersistence = 'u'`,
          partitionKey: `CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END`,
          partitionOf: 'CASE WHEN c.relispartition THEN (SELECT i.inhparent::pg_catalog.regclass::text FROM pg_catalog.pg_inherits i WHERE i.inhrelid = c.oid) END',
          partitionBound: 'CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END',
          inherits: `CASE WHEN c.relispartition THEN '[]'::pg_catalog.json ELSE COALESCE((SELECT pg_catalog.json_agg(i.inhparent::pg_catalog.regclass::text ORDER BY i.inhseqno)
            FROM pg_catalog.pg_inherits i WHERE i.inhrelid = c.oid), '[]') END`,
          accessMethod: `(SELECT pg_catalog.quote_ident(am.amname) FROM pg_catalog.pg_am am WHERE am.oid = c.relam AND am.amname <> 'heap')`,
          reloptions: relationOptions('c'),
          replicaIdentity: 'c.relreplident',
          replicaIdentityIndex: `(SELECT pg_catalog.quote_ident(ic.relname) FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class ic ON ic.oid = x.indexrelid
            WHERE x.indrelid = c.oid AND x.indisreplident)`,
          rowSecurity: 'c.relrowsecurity',
          forceRowSecurity: 'c.relforcerowsecurity',
          ofType: 'CASE WHEN c.reloftype <> 0 THEN pg_catalog.format_type(c.reloftype, NULL) END',
          server: `CASE WHEN c.relkind = 'f' THEN (SELECT pg_catalog.quote_ident(s.srvname)
            FROM pg_catalog.pg_foreign_table ft JOIN pg_catalog.pg_foreign_server s ON s.oid = ft.ftserver WHERE ft.ftrelid = c.oid) END`,
          foreignOptions: `CASE WHEN c.relkind = 'f' THEN (SELECT ${genericOptions('ft.ftoptions')}
            FROM pg_catalog.pg_foreign_table ft WHERE ft.ftrelid = c.oid) ELSE '[]' END`,
        }),
        covers: 'NULL::text[]',
      },
      `${relFrom}
  WHERE ${modelledTable('c', 'n')} AND ${notExtensionMember('pg_class', 'c.oid')}`,
    ),
};

export const columns: KindIntrospector = {
  name: 'column',
  columnar: true,
  query: (v) =>
    columnar(
      {
        id: `${relationType('c.relkind')} || ' column ' || ${relationIdentity('n.nspname', 'c.relname')} || '.' || pg_catalog.quote_ident(a.attname)`,
        a: address(cls('pg_class'), 'c.oid', 'a.attnum'),
        kind: `'column'::text`,
        schema: 'n.nspname',
        name: `c.relname || '.' || a.attname`,
        parent: tableId,
        owner: 'NULL::text',
        ...defColumns({
          table: 'c.oid::pg_catalog.regclass::text',
          name: 'pg_catalog.quote_ident(a.attname)',
          position: 'pg_catalog.row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum)::int4',
          type: 'pg_catalog.format_type(a.atttypid, a.atttypmod)',
          collation: collationIfNotDefault('a.attcollation', 't.typcollation'),
          notNull: 'a.attnotnull',
          notNullName: v >= 180000 ? `(SELECT pg_catalog.quote_ident(k.conname) FROM pg_catalog.pg_constraint k
            WHERE k.conrelid = c.oid AND k.contype = 'n' AND k.conkey[1] = a.attnum)` : 'NULL::text',
          // a default holds no column reference (Postgres refuses one), so it deparses without its
          // table, which spares opening every table's relcache entry (pg_get_expr with a relid does)
          default: `CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(ad.adbin, 0) END`,
          identity: `NULLIF(a.attidentity, '')`,
          identitySequence: `(SELECT pg_catalog.json_build_object('qname', s.seqrelid::pg_catalog.regclass::text, ${sequenceOptionsJson})
            FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_sequence s ON s.seqrelid = d.objid
            WHERE a.attidentity <> '' AND d.refclassid = ${cls('pg_class')} AND d.refobjid = c.oid AND d.refobjsubid = a.attnum
              AND d.classid = ${cls('pg_class')} AND d.deptype = 'i')`,
          generated: `CASE WHEN a.attgenerated <> '' THEN pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END`,
          local: 'a.attislocal',
          inherited: 'a.attinhcount > 0',
          storage: 'NULLIF(a.attstorage, t.typstorage)',
          compression: v >= 140000 ? "NULLIF(a.attcompression, '')" : 'NULL::text',
          statistics: `${v >= 170000 ? 'a.attstattarget' : 'NULLIF(a.attstattarget, -1)'}::int4`,
          options: reloptions('a.attoptions'),
          fdwOptions: `CASE WHEN c.relkind = 'f' THEN ${genericOptions('a.attfdwoptions')} ELSE '[]' END`,
        }),
        // Postgres 18 keeps NOT NULL as named pg_constraint rows; the column accounts for them.
        covers: v >= 180000 ? `(SELECT pg_catalog.array_agg(${idOf(cls('pg_constraint'), 'k.oid')}) FROM pg_catalog.pg_constraint k
          WHERE k.conrelid = c.oid AND k.contype = 'n' AND k.conkey[1] = a.attnum)` : 'NULL::text[]',
      },
      `${relFrom} JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid
    JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
  WHERE ${modelledTable('c', 'n')} AND ${notExtensionMember('pg_class', 'c.oid')} AND a.attnum > 0 AND NOT a.attisdropped`,
    ),
};

export const constraints: KindIntrospector = {
  name: 'constraint',
  columnar: true,
  query: () =>
    columnar(
      {
        id: `'table constraint ' || pg_catalog.quote_ident(k.conname) || ' on ' || ${relationIdentity('n.nspname', 'c.relname')}`,
        a: address(cls('pg_constraint'), 'k.oid', '0'),
        kind: `'constraint'::text`,
        schema: 'n.nspname',
        name: `c.relname || '.' || k.conname`,
        parent: tableId,
        owner: 'NULL::text',
        ...defColumns({
          table: 'c.oid::pg_catalog.regclass::text',
          name: 'pg_catalog.quote_ident(k.conname)',
          type: 'k.contype',
          definition: 'pg_catalog.pg_get_constraintdef(k.oid)',
          validated: 'k.convalidated',
          local: 'k.conislocal',
          parent: `CASE WHEN k.conparentid <> 0 THEN ${idOf(cls('pg_constraint'), 'k.conparentid')} END`,
          references: `CASE WHEN k.contype = 'f' THEN (SELECT ${relationId('rc.relkind', 'rn.nspname', 'rc.relname')}
            FROM pg_catalog.pg_class rc JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace WHERE rc.oid = k.confrelid) END`,
        }),
        // an index is always in its table's schema
        covers: `CASE WHEN k.conindid <> 0 AND k.contype IN ('p', 'u', 'x') THEN ARRAY[(SELECT ${relationId('ic.relkind', 'n.nspname', 'ic.relname')}
          FROM pg_catalog.pg_class ic WHERE ic.oid = k.conindid)] END`,
      },
      `${relFrom} JOIN pg_catalog.pg_constraint k ON k.conrelid = c.oid
  WHERE ${modelledConstraint('k', 'c', 'n')} AND ${notExtensionMember('pg_class', 'c.oid')}`,
    ),
};

/** Indexes that do not back a constraint (those belong to the constraint). */
export const indexes: KindIntrospector = {
  name: 'index',
  columnar: true,
  query: (v) =>
    columnar(
      {
        id: relationId('c.relkind', 'n.nspname', 'c.relname'),
        a: address(cls('pg_class'), 'c.oid', '0'),
        kind: `'index'::text`,
        schema: 'n.nspname',
        name: `tc.relname || '.' || c.relname`,
        parent: relationId('tc.relkind', 'n.nspname', 'tc.relname'),
        owner: 'NULL::text',
        ...defColumns({
          table: 'tc.oid::pg_catalog.regclass::text',
          qname: 'c.oid::pg_catalog.regclass::text',
          definition: 'pg_catalog.pg_get_indexdef(c.oid)',
          parentIndex: `(SELECT ${idOf(cls('pg_class'), 'i.inhparent')} FROM pg_catalog.pg_inherits i WHERE i.inhrelid = c.oid)`,
          clustered: 'x.indisclustered',
          statistics: `COALESCE((SELECT pg_catalog.json_agg(pg_catalog.json_build_object('column', a.attnum, 'target', a.attstattarget) ORDER BY a.attnum)
            FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND ${v >= 170000 ? 'a.attstattarget IS NOT NULL' : 'a.attstattarget >= 0'}), '[]')`,
          extensionTable: `EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = ${cls('pg_class')} AND e.objid = tc.oid AND e.deptype = 'e')`,
        }),
        covers: 'NULL::text[]',
        // the guard's enumeration leaves out the indexes of extension tables, and so do dependencies
        guarded: `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = ${cls('pg_class')} AND e.objid = tc.oid AND e.deptype = 'e')`,
      },
      `${relFrom} JOIN pg_catalog.pg_index x ON x.indexrelid = c.oid JOIN pg_catalog.pg_class tc ON tc.oid = x.indrelid
  WHERE ${modelledIndex('c', 'tc', 'n')} AND ${notExtensionMember('pg_class', 'c.oid')}
    -- a constraint's index is its internal part (pg_depend is indexed on the dependent; conindid is not)
    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = ${cls('pg_class')} AND d.objid = c.oid
      AND d.refclassid = ${cls('pg_constraint')} AND d.deptype = 'i')`,
    ),
};

export const views: KindIntrospector = {
  name: 'view',
  query: () => `${relHead('view')}
  pg_catalog.json_build_object('qname', c.oid::pg_catalog.regclass::text, 'materialized', c.relkind = 'm',
    'definition', pg_catalog.rtrim(pg_catalog.pg_get_viewdef(c.oid), ';'),
    'reloptions', ${relationOptions('c')},
    'accessMethod', (SELECT pg_catalog.quote_ident(am.amname) FROM pg_catalog.pg_am am WHERE am.oid = c.relam AND am.amname <> 'heap'),
    'populated', c.relkind = 'm' AND c.relispopulated,
    -- ALTER VIEW ... SET DEFAULT, for inserts through an updatable view
    'defaults', COALESCE((SELECT pg_catalog.json_agg(pg_catalog.json_build_object('column', pg_catalog.quote_ident(a.attname), 'expression', pg_catalog.pg_get_expr(ad.adbin, ad.adrelid)) ORDER BY a.attnum)
      FROM pg_catalog.pg_attrdef ad JOIN pg_catalog.pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum WHERE ad.adrelid = c.oid), '[]'),
    'columns', COALESCE((SELECT pg_catalog.json_agg(pg_catalog.quote_ident(a.attname) || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum)
      FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '[]')) AS def,
  ARRAY(SELECT ${idOf(cls('pg_attrdef'), 'ad.oid')} FROM pg_catalog.pg_attrdef ad WHERE ad.adrelid = c.oid) AS covers
${relFrom}
WHERE c.relkind IN ('v', 'm') AND ${relWhere}
ORDER BY n.nspname, c.relname`,
};
