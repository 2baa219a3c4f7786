import { cls, notExtensionMember, ownerOf, selfId, userSchema } from '../queries/common.js';
import type { KindIntrospector } from './types.js';

const modify = `CASE %s WHEN 'r' THEN 'READ_ONLY' WHEN 's' THEN 'SHAREABLE' WHEN 'w' THEN 'READ_WRITE' END`;
/** FINALFUNC_MODIFY only where it differs from CREATE AGGREGATE's default for the aggregate kind. */
const modifyOption = (option: string, column: string) =>
  `CASE WHEN ${column} <> CASE WHEN a.aggkind = 'n' THEN 'r' ELSE 'w' END THEN '${option} = ' || ${modify.replace('%s', column)} END`;
const fn = (option: string, column: string) => `CASE WHEN ${column} <> 0 THEN '${option} = ' || ${column}::pg_catalog.regproc::text END`;

/**
 * Aggregates: pg_get_functiondef rejects them, so CREATE AGGREGATE is assembled from pg_aggregate,
 * every part still rendered by Postgres (regproc, format_type, pg_get_function_arguments, which
 * writes an ordered-set aggregate's ORDER BY). Options equal to CREATE AGGREGATE's defaults are left out.
 */
export const aggregates: KindIntrospector = {
  name: 'aggregate',
  query: () => `
SELECT ${selfId(cls('pg_proc'), 'p.oid')}, 'aggregate' AS kind, n.nspname AS schema,
  p.oid::pg_catalog.regprocedure::text AS name, NULL AS parent, ${ownerOf('p.proowner')} AS owner,
  pg_catalog.json_build_object('qname', p.oid::pg_catalog.regprocedure::text,
    'definition', pg_catalog.format(E'CREATE AGGREGATE %I.%I(%s) (\\n    %s\\n)', n.nspname, p.proname,
      COALESCE(NULLIF(pg_catalog.pg_get_function_arguments(p.oid), ''), '*'),
      pg_catalog.array_to_string(ARRAY[
        'SFUNC = ' || a.aggtransfn::pg_catalog.regproc::text,
        'STYPE = ' || pg_catalog.format_type(a.aggtranstype, NULL),
        CASE WHEN a.aggtransspace <> 0 THEN 'SSPACE = ' || a.aggtransspace END,
        ${fn('FINALFUNC', 'a.aggfinalfn')},
        CASE WHEN a.aggfinalextra THEN 'FINALFUNC_EXTRA' END,
        ${modifyOption('FINALFUNC_MODIFY', 'a.aggfinalmodify')},
        ${fn('COMBINEFUNC', 'a.aggcombinefn')},
        ${fn('SERIALFUNC', 'a.aggserialfn')},
        ${fn('DESERIALFUNC', 'a.aggdeserialfn')},
        CASE WHEN a.agginitval IS NOT NULL THEN 'INITCOND = ' || pg_catalog.quote_literal(a.agginitval) END,
        ${fn('MSFUNC', 'a.aggmtransfn')},
        ${fn('MINVFUNC', 'a.aggminvtransfn')},
        CASE WHEN a.aggmtranstype <> 0 THEN 'MSTYPE = ' || pg_catalog.format_type(a.aggmtranstype, NULL) END,
        CASE WHEN a.aggmtransspace <> 0 THEN 'MSSPACE = ' || a.aggmtransspace END,
        ${fn('MFINALFUNC', 'a.aggmfinalfn')},
        CASE WHEN a.aggmfinalextra THEN 'MFINALFUNC_EXTRA' END,
        CASE WHEN a.aggmtransfn <> 0 THEN ${modifyOption('MFINALFUNC_MODIFY', 'a.aggmfinalmodify')} END,
        CASE WHEN a.aggminitval IS NOT NULL THEN 'MINITCOND = ' || pg_catalog.quote_literal(a.aggminitval) END,
        (SELECT pg_catalog.format('SORTOP = OPERATOR(%I.%s)', opn.nspname, op.oprname)
          FROM pg_catalog.pg_operator op JOIN pg_catalog.pg_namespace opn ON opn.oid = op.oprnamespace WHERE op.oid = a.aggsortop),
        CASE p.proparallel WHEN 's' THEN 'PARALLEL = SAFE' WHEN 'r' THEN 'PARALLEL = RESTRICTED' END,
        CASE WHEN a.aggkind = 'h' THEN 'HYPOTHETICAL' END
      ], E',\\n    '))) AS def,
  NULL AS covers
FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
  JOIN pg_catalog.pg_aggregate a ON a.aggfnoid = p.oid
WHERE p.prokind = 'a' AND ${userSchema('n.nspname')} AND ${notExtensionMember('pg_proc', 'p.oid')}
ORDER BY n.nspname, p.proname, p.oid::pg_catalog.regprocedure::text`,
};
