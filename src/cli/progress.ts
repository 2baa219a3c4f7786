import type { ReplayProgress } from '../replay/index.js';
import type { Output } from './output.js';

/** One self-overwriting status line on a TTY (file i/N, name, elapsed); nothing otherwise. */
export function progressRenderer(out: Output): ((event: ReplayProgress) => void) | undefined {
  if (!out.tty || out.quiet || out.json) return undefined;
  let last = 0;
  return (event) => {
    const now = Date.now();
    const final = event.phase === 'migration' && event.status === 'done' && event.index === event.total;
    if (!final && now - last < 80) return;
    last = now;
    const label = event.phase === 'prelude' ? 'prelude' : 'migration';
    const line = `${label} ${event.index}/${event.total} ${event.path} (${(event.elapsedMs / 1000).toFixed(1)} s)`;
    const width = process.stderr.columns ?? 100;
    process.stderr.write(`\r\x1b[2K${line.slice(0, width - 1)}`);
    if (final) process.stderr.write('\r\x1b[2K');
  };
}
