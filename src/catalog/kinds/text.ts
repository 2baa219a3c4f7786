import { cls, notExtensionMember, ownerOf, selfId, userSchema } from '../queries/common.js';
import type { KindIntrospector } from './types.js';

const head = (catalog: string, kind: string, alias: string, name: string, owner: string) => `
SELECT ${selfId(cls(catalog), `${alias}.oid`)}, '${kind}' AS kind, n.nspname AS schema, ${alias}.${name} AS name,
  NULL AS parent, ${ownerOf(`${alias}.${owner}`)} AS owner,`;
const qualified = (nsp: string, name: string) => `pg_catalog.format('%I.%I', ${nsp}, ${name})`;

export const collations: KindIntrospector = {
  name: 'collation',
  query: (v) => `${head('pg_collation', 'collation', 'co', 'collname', 'collowner')}
  pg_catalog.json_build_object('qname', ${qualified('n.nspname', 'co.collname')}, 'provider', co.collprovider,
    'locale', pg_catalog.quote_literal(${v >= 170000 ? 'co.colllocale' : v >= 150000 ? 'co.colliculocale' : 'NULL'}),
    'lcCollate', pg_catalog.quote_literal(co.collcollate), 'lcCtype', pg_catalog.quote_literal(co.collctype),
    'deterministic', co.collisdeterministic,
    'rules', ${v >= 160000 ? 'pg_catalog.quote_literal(co.collicurules)' : 'NULL'}) AS def,
  NULL AS covers
FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace n ON n.oid = co.collnamespace
WHERE co.oid >= 16384 AND ${userSchema('n.nspname')} AND ${notExtensionMember('pg_collation', 'co.oid')}
ORDER BY n.nspname, co.collname`,
};

export const tsDictionaries: KindIntrospector = {
  name: 'tsDictionary',
  query: () => `${head('pg_ts_dict', 'tsDictionary', 'd', 'dictname', 'dictowner')}
  pg_catalog.json_build_object('qname', ${qualified('n.nspname', 'd.dictname')},
    'template', (SELECT ${qualified('tn.nspname', 't.tmplname')} FROM pg_catalog.pg_ts_template t
      JOIN pg_catalog.pg_namespace tn ON tn.oid = t.tmplnamespace WHERE t.oid = d.dicttemplate),
    'options', d.dictinitoption) AS def,
  NULL AS covers
FROM pg_catalog.pg_ts_dict d JOIN pg_catalog.pg_namespace n ON n.oid = d.dictnamespace
WHERE d.oid >= 16384 AND ${userSchema('n.nspname')} AND ${notExtensionMember('pg_ts_dict', 'd.oid')}
ORDER BY n.nspname, d.dictname`,
};

/** Configurations with their token mappings (dictionaries in lookup order). */
export const tsConfigs: KindIntrospector = {
  name: 'tsConfig',
  query: () => `${head('pg_ts_config', 'tsConfig', 'c', 'cfgname', 'cfgowner')}
  pg_catalog.json_build_object('qname', ${qualified('n.nspname', 'c.cfgname')},
    'parser', (SELECT ${qualified('pn.nspname', 'p.prsname')} FROM pg_catalog.pg_ts_parser p
      JOIN pg_catalog.pg_namespace pn ON pn.oid = p.prsnamespace WHERE p.oid = c.cfgparser),
    'mappings', COALESCE((SELECT pg_catalog.json_agg(pg_catalog.json_build_object('token', tt.alias,
        'dictionaries', (SELECT pg_catalog.json_agg(${qualified('dn.nspname', 'dd.dictname')} ORDER BY m.mapseqno)
          FROM pg_catalog.pg_ts_config_map m JOIN pg_catalog.pg_ts_dict dd ON dd.oid = m.mapdict
            JOIN pg_catalog.pg_namespace dn ON dn.oid = dd.dictnamespace
          WHERE m.mapcfg = c.oid AND m.maptokentype = tt.tokid)) ORDER BY tt.alias)
      FROM pg_catalog.ts_token_type(c.cfgparser) tt
      WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_ts_config_map m WHERE m.mapcfg = c.oid AND m.maptokentype = tt.tokid)), '[]')) AS def,
  NULL AS covers
FROM pg_catalog.pg_ts_config c JOIN pg_catalog.pg_namespace n ON n.oid = c.cfgnamespace
WHERE c.oid >= 16384 AND ${userSchema('n.nspname')} AND ${notExtensionMember('pg_ts_config', 'c.oid')}
ORDER BY n.nspname, c.cfgname`,
};
