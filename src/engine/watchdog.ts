import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A tiny detached shell that outlives a hard-killed pgsquash (kill -9, OOM killer) and then stops
 * the cluster and removes its temp dir. It holds the read end of a pipe from us: when our process
 * dies for any reason the kernel closes the write end and the shell's `read` sees end-of-file;
 * a normal release writes `done` first. No polling, no pid guessing for the parent.
 *
 * The postmaster pid comes over the pipe (or, if we died before sending it, from postmaster.pid).
 * Before signalling it, the shell checks that the process still runs in our data dir (postgres
 * chdirs there), so a recycled pid is never hit. SIGQUIT first (immediate shutdown; the postmaster
 * ends its backends and frees its shared memory), SIGKILL for it and its backends after 5 s.
 */
const SCRIPT = String.raw`
dir=$1; data=$2; pm=
while IFS=' ' read -r cmd arg; do
  case $cmd in
    pid) pm=$arg ;;
    done) exit 0 ;;
  esac
done
[ -n "$pm" ] || pm=$(head -n 1 "$data/postmaster.pid" 2>/dev/null)
if [ -n "$pm" ] && kill -0 "$pm" 2>/dev/null; then
  cwd=$(readlink "/proc/$pm/cwd" 2>/dev/null || echo "$data")
  case $cwd in "$data" | "$data (deleted)") ours=1 ;; *) ours= ;; esac
  if [ -n "$ours" ]; then
    kill -QUIT "$pm" 2>/dev/null
    i=0
    while kill -0 "$pm" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
    if kill -0 "$pm" 2>/dev/null; then
      kill -KILL "$pm"
      # backends lead their own sessions; they share the data dir as working directory
      for p in /proc/[0-9]*; do
        case $(readlink "$p/cwd" 2>/dev/null) in "$data" | "$data (deleted)") kill -KILL "$(basename "$p")" 2>/dev/null ;; esac
      done
    fi
  fi
fi
rm -rf -- "$dir"
`;

export interface Watchdog {
  /** The shell's pid (tests look for it in the process table). */
  readonly pid: number | undefined;
  /** Tells the watchdog which postmaster to stop if we die. */
  watchPostmaster(pid: number): void;
  /** Everything was released normally: the watchdog exits without touching anything. */
  dismiss(): void;
  /** We cannot finish the cleanup ourselves: the watchdog does it now, as if we had died. */
  abandon(): void;
}

/** Starts a watchdog for `tempDir` (removed entirely) whose cluster lives in `dataDir`. */
export function startWatchdog(tempDir: string, dataDir: string): Watchdog {
  let child: ChildProcess | undefined;
  try {
    child = spawn('/bin/sh', ['-c', SCRIPT, 'pgsquash-watchdog', tempDir, dataDir], {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
    });
    // Terminal signals go to our process group; the watchdog has its own session and must not
    // keep our event loop alive.
    child.on('error', () => undefined);
    child.stdin?.on('error', () => undefined);
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  } catch {
    // No /bin/sh: signal and exit handlers still clean up; only a hard kill would leave the dir.
    child = undefined;
  }
  const send = (line: string) => {
    if (child?.stdin && !child.stdin.destroyed && child.exitCode === null) child.stdin.write(`${line}\n`);
  };
  return {
    pid: child?.pid,
    watchPostmaster(pid) {
      send(`pid ${pid}`);
    },
    dismiss() {
      send('done');
      child?.stdin?.end();
    },
    abandon() {
      child?.stdin?.end();
    },
  };
}
