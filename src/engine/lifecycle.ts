/**
 * Process-wide registry of things that must not outlive pgsquash: clusters, containers, temp dirs.
 * Library code registers a release function; SIGINT/SIGTERM run every release before the process
 * ends, so Ctrl-C never leaves a cluster or temp dir behind.
 */
type Release = () => Promise<void>;

const pending = new Map<number, { label: string; release: Release; releaseSync?: () => void }>();
let nextId = 1;
let handlersInstalled = false;
let shuttingDown: NodeJS.Signals | undefined;

export interface Registration {
  /** Runs the release once and unregisters it. */
  release(): Promise<void>;
}

/**
 * Registers `release` to run on normal release or on a terminating signal. `releaseSync` is a
 * best-effort fallback for `process.exit()` paths where async work cannot run (kill the child,
 * remove the dir).
 */
export function track(label: string, release: Release, releaseSync?: () => void): Registration {
  installHandlers();
  const id = nextId++;
  pending.set(id, { label, release, ...(releaseSync ? { releaseSync } : {}) });
  let done: Promise<void> | undefined;
  return {
    release() {
      done ??= (async () => {
        const entry = pending.get(id);
        pending.delete(id);
        if (entry) await entry.release();
      })();
      return done;
    },
  };
}

/** Releases everything still registered, newest first. Used by signal handlers and tests. */
export async function releaseAll(): Promise<void> {
  const entries = [...pending.entries()].reverse();
  pending.clear();
  for (const [, entry] of entries) {
    try {
      await entry.release();
    } catch {
      entry.releaseSync?.();
    }
  }
}

/** The signal that is ending the process, once one arrived: errors after it are its echo. */
export function interruptedBy(): NodeJS.Signals | undefined {
  return shuttingDown;
}

export function activeResources(): string[] {
  return [...pending.values()].map((e) => e.label);
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const onSignal = (signal: NodeJS.Signals, code: number) => {
    if (shuttingDown) {
      // A second Ctrl-C means "now": synchronous best effort, the watchdogs finish the rest.
      runSyncReleases();
      process.exit(code);
    }
    shuttingDown = signal;
    process.stderr.write(`\npgsquash: ${signal} received, cleaning up...\n`);
    const hardStop = setTimeout(() => {
      runSyncReleases();
      process.exit(code);
    }, 10_000);
    hardStop.unref();
    releaseAll().finally(() => process.exit(code));
  };
  process.on('SIGINT', () => onSignal('SIGINT', 130));
  process.on('SIGTERM', () => onSignal('SIGTERM', 143));
  process.on('SIGHUP', () => onSignal('SIGHUP', 129));
  process.on('exit', runSyncReleases);
}

function runSyncReleases(): void {
  for (const entry of pending.values()) {
    try {
      entry.releaseSync?.();
    } catch {
      // best effort: the process is ending
    }
  }
  pending.clear();
}
