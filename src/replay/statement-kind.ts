/**
 * What the runner must know about a statement to send it faithfully, read from its leading words
 * (see `Statement.words`): whether it can run inside a transaction block, whether it controls the
 * transaction, and whether its effect depends on the transaction it runs in.
 */
import { isCopyFromStdin } from './split.js';

export interface StatementTraits {
  /** Set when the statement cannot run inside a transaction block: a short name such as `CREATE INDEX CONCURRENTLY`. */
  nonTransactional?: string;
  /** BEGIN/START: opens a transaction; COMMIT/END/ROLLBACK/ABORT/PREPARE TRANSACTION: closes one. */
  transactionControl?: 'open' | 'close' | 'inside';
  /** ALTER TYPE ... ADD VALUE: the new value can be used only after the transaction commits. */
  addsEnumValue?: boolean;
  /**
   * Its effect ends with the transaction it runs in (SET LOCAL, LOCK, ...), or it controls
   * transactions itself (CALL, DO with COMMIT): it must not share an implicit transaction with
   * other statements in autocommit mode.
   */
  needsOwnTransaction?: boolean;
  copy?: 'in' | 'out';
  /** Never sent: it reaches outside the throwaway database (see {@link refusedBecause}). */
  refused?: string;
  /** Sent, but worth telling the user about: CREATE/ALTER ROLE ... SUPERUSER. */
  grantsSuperuser?: boolean;
}

export function classifyStatement(words: string[], text: string, serverMajor: number): StatementTraits {
  const [w0 = '', w1 = '', w2 = ''] = words;
  const traits: StatementTraits = {};
  const has = (word: string) => words.includes(word);
  const pair = (a: string, b: string) => words.some((w, k) => w === a && words[k + 1] === b);

  if (w0 === 'create' && (w1 === 'index' || (w1 === 'unique' && w2 === 'index')) && has('concurrently')) {
    traits.nonTransactional = 'CREATE INDEX CONCURRENTLY';
  } else if (w0 === 'drop' && w1 === 'index' && w2 === 'concurrently') {
    traits.nonTransactional = 'DROP INDEX CONCURRENTLY';
  } else if (w0 === 'reindex' && (has('concurrently') || has('database') || has('system'))) {
    traits.nonTransactional = has('concurrently') ? 'REINDEX CONCURRENTLY' : `REINDEX ${has('database') ? 'DATABASE' : 'SYSTEM'}`;
  } else if (w0 === 'vacuum') {
    traits.nonTransactional = 'VACUUM';
  } else if ((w0 === 'create' || w0 === 'drop') && (w1 === 'database' || w1 === 'tablespace' || w1 === 'subscription')) {
    traits.nonTransactional = `${w0.toUpperCase()} ${w1.toUpperCase()}`;
  } else if (w0 === 'alter' && w1 === 'subscription') {
    traits.nonTransactional = 'ALTER SUBSCRIPTION';
  } else if (w0 === 'alter' && w1 === 'database' && pair('set', 'tablespace')) {
    traits.nonTransactional = 'ALTER DATABASE ... SET TABLESPACE';
  } else if (w0 === 'alter' && w1 === 'system') {
    traits.nonTransactional = 'ALTER SYSTEM';
  } else if (w0 === 'alter' && w1 === 'table' && pair('detach', 'partition') && has('concurrently')) {
    traits.nonTransactional = 'DETACH PARTITION CONCURRENTLY';
  } else if (w0 === 'cluster' && words.every((w) => w === 'cluster' || w === 'verbose')) {
    traits.nonTransactional = 'CLUSTER (all tables)';
  } else if (w0 === 'discard' && w1 === 'all') {
    traits.nonTransactional = 'DISCARD ALL';
  } else if ((w0 === 'commit' || w0 === 'rollback') && w1 === 'prepared') {
    traits.nonTransactional = `${w0.toUpperCase()} PREPARED`;
  }

  if (w0 === 'alter' && w1 === 'type' && pair('add', 'value')) {
    traits.addsEnumValue = true;
    // Before PostgreSQL 12 the command itself refused to run in a transaction block.
    if (serverMajor < 12) traits.nonTransactional = 'ALTER TYPE ... ADD VALUE';
  }

  if (w0 === 'begin' || (w0 === 'start' && w1 === 'transaction')) traits.transactionControl = 'open';
  else if (['commit', 'end', 'rollback', 'abort'].includes(w0) && !(w1 === 'to' || w2 === 'to') && w1 !== 'prepared') {
    traits.transactionControl = 'close';
  } else if (w0 === 'prepare' && w1 === 'transaction') traits.transactionControl = 'close';
  else if (w0 === 'savepoint' || w0 === 'release' || w0 === 'rollback') traits.transactionControl = 'inside';

  if (
    (w0 === 'set' && (w1 === 'local' || w1 === 'constraints' || w1 === 'transaction')) ||
    w0 === 'lock' ||
    w0 === 'declare' ||
    w0 === 'call' ||
    (w0 === 'do' && /\b(commit|rollback)\b/i.test(text))
  ) {
    traits.needsOwnTransaction = true;
  }

  if (isCopyFromStdin(words)) traits.copy = 'in';
  else if (w0 === 'copy' && pair('to', 'stdout')) traits.copy = 'out';
  const refused = refusedBecause(words, text);
  if (refused) traits.refused = refused;
  if ((w0 === 'create' || w0 === 'alter') && (w1 === 'role' || w1 === 'user') && has('superuser')) traits.grantsSuperuser = true;
  return traits;
}

/**
 * The replay runs as superuser on the user's machine or server, so statements that act beyond
 * the scratch database are refused before anything is sent: a shell command (COPY ... PROGRAM,
 * also when built in a DO block or function body), a server configuration change (ALTER SYSTEM),
 * and dropping a database (with the url engine, a real one). What SQL builds at run time from
 * pieces cannot be seen here; run untrusted histories with --engine docker.
 */
export function refusedBecause(words: string[], text: string): string | undefined {
  const [w0 = '', w1 = ''] = words;
  const pair = (a: string, b: string) => words.some((w, k) => w === a && words[k + 1] === b);
  if (w0 === 'copy' && (pair('to', 'program') || pair('from', 'program'))) return 'COPY ... PROGRAM runs a shell command on the server';
  if (/\bcopy\b[\s\S]*\b(?:to|from)\s+program\b/i.test(text)) return 'this statement holds a COPY ... PROGRAM, which runs a shell command on the server';
  if (w0 === 'alter' && w1 === 'system') return 'ALTER SYSTEM changes the server configuration';
  if (w0 === 'drop' && w1 === 'database') return 'DROP DATABASE drops a database outside the replay';
  return undefined;
}
