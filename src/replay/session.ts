/**
 * One server session that runs SQL text the way psql's simple-query protocol does, while counting
 * completed statements so errors and notices can be tied to the statement that raised them:
 * several statements go out in one Query message (one round trip), and every statement the
 * server finishes answers with its own CommandComplete, in order, before the next one starts.
 */
import pg from 'pg';
import type { NoticeMessage } from 'pg-protocol/dist/messages.js';

export type ServerMessage = NoticeMessage;

export interface BatchOutcome {
  /** Statements the server completed (CommandComplete) before the error, or all of them. */
  completed: number;
  /** An ErrorResponse from the server, or a connection failure. */
  error?: ServerMessage | Error;
  /**
   * With `Capture`: the rows (text values) of the statements after its start, present once it
   * started; an `error` with `captured` set came from those statements.
   */
  captured?: (string | null)[][];
}

/** Collect rows from the start, or from the statement after the one completing with tag `after`. */
export interface Capture {
  after?: string;
}

/** Backend messages the `pg` driver forwards to a custom submittable, and the copy calls we use. */
interface WireConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
}

const COPY_CHUNK = 64 * 1024;

class SimpleQuery {
  completed = 0;
  captured: (string | null)[][] | undefined;
  readonly done: Promise<BatchOutcome>;
  private settle!: (outcome: BatchOutcome) => void;
  private settled = false;

  constructor(
    private readonly text: string,
    private copyData: string | undefined,
    private readonly capture: Capture | undefined,
  ) {
    this.done = new Promise((resolve) => (this.settle = resolve));
    if (capture && capture.after === undefined) this.captured = [];
  }

  submit(connection: WireConnection): void {
    connection.query(this.text);
  }
  handleRowDescription(): void {}
  handleDataRow(message: { fields: (string | null)[] }): void {
    this.captured?.push(message.fields);
  }
  handlePortalSuspended(): void {}
  handleEmptyQuery(): void {}
  handleCopyData(): void {}
  handleCommandComplete(message: { text?: string }): void {
    this.completed++;
    if (this.capture?.after !== undefined && this.captured === undefined && message.text === this.capture.after) this.captured = [];
  }
  handleCopyInResponse(connection: WireConnection): void {
    if (this.copyData === undefined) {
      connection.sendCopyFail('pgsquash: no inline data for this COPY ... FROM stdin');
      return;
    }
    const data = Buffer.from(this.copyData, 'utf8');
    this.copyData = undefined;
    for (let at = 0; at < data.length; at += COPY_CHUNK) connection.sendCopyFromChunk(data.subarray(at, at + COPY_CHUNK));
    connection.endCopyFrom();
  }
  handleError(error: ServerMessage | Error): void {
    this.finish({ completed: this.completed, error, ...(this.captured ? { captured: this.captured } : {}) });
  }
  handleReadyForQuery(): void {
    this.finish({ completed: this.completed, ...(this.captured ? { captured: this.captured } : {}) });
  }
  private finish(outcome: BatchOutcome): void {
    if (this.settled) return;
    this.settled = true;
    this.settle(outcome);
  }
}

export type NoticeSink = (notice: ServerMessage, completed: number) => void;

export class Session {
  /** Transaction status from the last ReadyForQuery: I idle, T in a transaction, E in a failed one. */
  txStatus: 'I' | 'T' | 'E' = 'I';
  /**
   * The server's standard_conforming_strings, which decides how backslashes in '...' are lexed;
   * followed from ParameterStatus messages, as psql does. Read at start by `describe()`.
   */
  standardConformingStrings = true;
  /** Set when the connection broke; later runs fail at once. */
  lost: Error | undefined;
  private current: SimpleQuery | undefined;
  private sink: NoticeSink | undefined;
  private awaitingReady: (() => void) | undefined;

  /** Settles when the connection ends, so nothing waits for a ReadyForQuery that cannot come. */
  private readonly closed: Promise<void>;

  constructor(readonly client: pg.Client) {
    this.closed = new Promise((resolve) => {
      client.once('end', () => resolve());
      client.once('error', () => resolve());
    });
    client.on('notice', (notice) => this.sink?.(notice, this.current?.completed ?? 0));
    client.on('error', (error) => (this.lost ??= error));
    client.connection.on('readyForQuery', (message: { status?: string }) => {
      if (message.status === 'I' || message.status === 'T' || message.status === 'E') this.txStatus = message.status;
      this.awaitingReady?.();
    });
    client.connection.on('parameterStatus', (message: { parameterName?: string; parameterValue?: string }) => {
      if (message.parameterName === 'standard_conforming_strings') this.standardConformingStrings = message.parameterValue !== 'off';
    });
  }

  /** Reads the server version and the settings the lexer depends on; returns server_version_num. */
  async describe(): Promise<number> {
    const { rows } = await this.client.query<{ v: string; scs: string }>(
      `SELECT current_setting('server_version_num') AS v, current_setting('standard_conforming_strings') AS scs`,
    );
    this.standardConformingStrings = rows[0]?.scs !== 'off';
    return Number(rows[0]?.v);
  }

  /**
   * Sends `text` as one simple-query message; `copyData` answers a COPY ... FROM stdin in it;
   * `capture` collects the rows of its last statements.
   */
  async run(text: string, copyData?: string, sink?: NoticeSink, capture?: Capture): Promise<BatchOutcome> {
    if (this.lost) return { completed: 0, error: this.lost };
    const query = new SimpleQuery(text, copyData, capture);
    this.current = query;
    this.sink = sink;
    // The driver hands an error over before the ReadyForQuery that follows it; wait for that
    // one, so `txStatus` tells whether the batch left a transaction open (a folded file's BEGIN).
    const ready = new Promise<void>((resolve) => (this.awaitingReady = resolve));
    try {
      this.client.query(query as unknown as pg.Submittable);
      const outcome = await query.done;
      if (outcome.error && isServerError(outcome.error) && !this.lost) await Promise.race([ready, this.closed]);
      return outcome;
    } finally {
      this.awaitingReady = undefined;
      this.current = undefined;
      this.sink = undefined;
    }
  }

  async close(): Promise<void> {
    try {
      await this.client.end();
    } catch {
      // the connection is already gone; nothing to release
    }
  }
}

/** True for a message the server sent (it carries a SQLSTATE), as opposed to a broken connection. */
export function isServerError(error: ServerMessage | Error): error is ServerMessage {
  const code = (error as ServerMessage).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !/^(08|57P0)/.test(code);
}
