/**
 * How a file's statements are sent: which statements share a round trip, and whether the file is
 * wrapped in BEGIN/COMMIT. Pure, so the rules can be tested without a server.
 *
 * - `transaction`: BEGIN, the whole file, COMMIT (explicit BEGIN/COMMIT inside still work: psql -1
 *   semantics). If the file holds a statement that cannot run in a transaction block (CREATE INDEX
 *   CONCURRENTLY, VACUUM, ...), the whole file runs in autocommit instead, as Flyway does and as
 *   diesel/dbmate/postgres-migrations users mark such files by hand; the result carries a note.
 * - `none`: autocommit, statement by statement in effect. Runs of statements share one message (the
 *   server then runs them in one implicit transaction, which changes nothing when they all succeed)
 *   except where the transaction matters: statements that cannot run in one, transaction control,
 *   SET LOCAL/LOCK/CALL/DO-with-COMMIT, and ALTER TYPE ... ADD VALUE (committed before later
 *   statements may use the value).
 * - `script` (Prisma): the whole file as one message, exactly as the runner sends it.
 * Inline COPY data always ends a message (the data answers the COPY that ends it).
 */
import type { TransactionMode } from '../discover/types.js';
import type { StatementTraits } from './statement-kind.js';
import type { ExecutionMode } from './types.js';

export interface Step {
  /** Indexes of the first and last statement sent in this message. */
  first: number;
  last: number;
  /** Characters of our own text (a folded file's BEGIN) sent before the first statement. */
  lead?: number;
}

export interface FilePlan {
  executed: ExecutionMode;
  /** Send BEGIN before the steps and COMMIT after them (if the transaction is still open). */
  wrapInTransaction: boolean;
  steps: Step[];
  /** Index of the statement that forced autocommit in a `transaction` file. */
  forcedAutocommitBy?: number;
}

export function planFile(mode: TransactionMode, traits: StatementTraits[]): FilePlan {
  if (mode === 'script') return { executed: 'script', wrapInTransaction: false, steps: breakAfterCopy(traits) };
  if (mode === 'transaction') {
    const blocker = traits.findIndex((t) => t.nonTransactional);
    if (blocker === -1) return { executed: 'transaction', wrapInTransaction: true, steps: breakAfterCopy(traits) };
    return { executed: 'autocommit', wrapInTransaction: false, steps: autocommitSteps(traits), forcedAutocommitBy: blocker };
  }
  return { executed: 'autocommit', wrapInTransaction: false, steps: autocommitSteps(traits) };
}

function breakAfterCopy(traits: StatementTraits[]): Step[] {
  const steps: Step[] = [];
  let first = 0;
  traits.forEach((t, k) => {
    if (t.copy === 'in' || k === traits.length - 1) {
      steps.push({ first, last: k });
      first = k + 1;
    }
  });
  return steps;
}

function autocommitSteps(traits: StatementTraits[]): Step[] {
  const steps: Step[] = [];
  let first = -1;
  let inTransaction = false;
  const flush = (last: number) => {
    if (first !== -1 && last >= first) steps.push({ first, last });
    first = -1;
  };
  traits.forEach((t, k) => {
    const alone = Boolean(t.nonTransactional) || (!inTransaction && Boolean(t.needsOwnTransaction));
    if (alone || t.transactionControl === 'open') flush(k - 1);
    if (first === -1) first = k;
    if (t.transactionControl === 'open') inTransaction = true;
    else if (t.transactionControl === 'close') inTransaction = false;
    if (alone || t.copy === 'in' || (t.addsEnumValue && !inTransaction)) flush(k);
  });
  flush(traits.length - 1);
  return steps;
}
