/**
 * Crash-injection points for the recovery tests: when PGSQUASH_FAILPOINT names this point (and,
 * for counted points, its occurrence), the process kills itself with SIGKILL, exactly like a power
 * cut or `kill -9` would. Unset in normal use, where this is a no-op.
 */
const counts = new Map<string, number>();

export function failpoint(name: string): void {
  const wanted = process.env.PGSQUASH_FAILPOINT;
  if (!wanted) return;
  const seen = (counts.get(name) ?? 0) + 1;
  counts.set(name, seen);
  if (wanted === name || wanted === `${name}#${seen}`) process.kill(process.pid, 'SIGKILL');
}
