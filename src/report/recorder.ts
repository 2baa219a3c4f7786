/**
 * What the report needs from a replay, recorded while it runs: provenance after every file, the
 * skipped IF NOT EXISTS definitions compared right after the file that skipped them, and the
 * security facts after the last file. Hand `hooks()` to the replay; `close()` in a finally.
 */
import type pg from 'pg';
import type { MigrationSet } from '../discover/types.js';
import type { Database } from '../engine/types.js';
import type { ReplayOptions } from '../replay/index.js';
import { ProvenanceTracker, type Provenance } from '../replay/provenance.js';
import { readSecurityFacts, type SecurityFacts } from './security.js';
import { compareSkipped, isSkipNotice, type SkippedCreate } from './skipped.js';

export interface Recorded {
  provenance: Provenance;
  skipped: SkippedCreate[];
  security: SecurityFacts | null;
  /** Time spent recording, in milliseconds (the overhead over a plain replay). */
  recordingMs: number;
}

type Hooks = Pick<ReplayOptions, 'onPreludesDone' | 'onFileDone'>;

export class ReportRecorder {
  private readonly tracker: ProvenanceTracker;
  private readonly skipped: SkippedCreate[] = [];
  private security: SecurityFacts | null = null;
  private db: Database | undefined;
  private side: pg.Client | undefined;
  private extraMs = 0;

  constructor(private readonly set: MigrationSet) {
    this.tracker = new ProvenanceTracker(set.migrations);
  }

  hooks(chain: Hooks = {}): Required<Hooks & Pick<ReplayOptions, 'fileEpilogue'>> {
    const tracked = this.tracker.hooks(chain);
    return {
      fileEpilogue: tracked.fileEpilogue,
      onPreludesDone: async (phase) => {
        this.db = phase.db;
        await tracked.onPreludesDone(phase);
      },
      onFileDone: async (info) => {
        await tracked.onFileDone(info);
        const t0 = performance.now();
        const migration = this.set.migrations[info.index];
        if (migration && info.file.notices.some(isSkipNotice)) {
          const { rows } = await info.client.query<{ p: string }>(`SELECT pg_catalog.current_setting('search_path') AS p`);
          this.skipped.push(...(await compareSkipped(await this.sideClient(), migration, info.index, info.file.notices, rows[0]?.p ?? '')));
        }
        if (info.index === this.set.migrations.length - 1) {
          this.security = await readSecurityFacts(await this.sideClient());
          await this.close();
        }
        this.extraMs += performance.now() - t0;
      },
    };
  }

  result(): Recorded {
    return { provenance: this.tracker.result(), skipped: [...this.skipped], security: this.security, recordingMs: this.tracker.elapsedMs + this.extraMs };
  }

  async close(): Promise<void> {
    await this.tracker.close();
    const side = this.side;
    this.side = undefined;
    await side?.end().catch(() => undefined);
  }

  /** A neutral session beside the migrations' one, for work that must not touch theirs. */
  private async sideClient(): Promise<pg.Client> {
    if (!this.side) {
      if (!this.db) throw new Error('ReportRecorder: the replay did not report its database (onPreludesDone was not called)');
      this.side = await this.db.connect();
    }
    return this.side;
  }
}
