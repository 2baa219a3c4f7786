import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';

/**
 * The url engine's counterpart of watchdog.ts: a detached Node process that drops the scratch
 * databases still listed when our process dies without releasing them (kill -9, OOM killer).
 * It learns names over a pipe (`add NAME`, `forget NAME`, `done`); end-of-file without `done`
 * means we died. The admin URL travels in its environment, never on its command line (which
 * every user can read in ps).
 */
const SCRIPT = `
const pg = require(process.env.PGSQUASH_PG_MODULE);
const names = new Set();
let done = false;
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  for (let i; (i = pending.indexOf('\\n')) >= 0; pending = pending.slice(i + 1)) {
    const [cmd, name] = pending.slice(0, i).split(' ');
    if (cmd === 'add') names.add(name);
    else if (cmd === 'forget') names.delete(name);
    else if (cmd === 'done') done = true;
  }
});
process.stdin.on('end', async () => {
  if (done || names.size === 0) process.exit(0);
  const client = new pg.Client({ connectionString: process.env.PGSQUASH_ADMIN_URL, connectionTimeoutMillis: 10000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const force = Number(process.env.PGSQUASH_SERVER_VERSION_NUM) >= 130000;
    for (const name of names) {
      const quoted = '"' + name.replace(/"/g, '""') + '"';
      if (!force) await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
      await client.query('DROP DATABASE IF EXISTS ' + quoted + (force ? ' WITH (FORCE)' : ''));
    }
  } catch {
    // nobody is left to tell; the next run refuses a leftover name rather than reusing it
  }
  process.exit(0);
});
`;

export interface ScratchWatchdog {
  readonly pid: number | undefined;
  add(name: string): void;
  forget(name: string): void;
  dismiss(): void;
}

export function startScratchWatchdog(adminUrl: string, serverVersionNum: number): ScratchWatchdog {
  let child: ChildProcess | undefined;
  try {
    child = spawn(process.execPath, ['-e', SCRIPT], {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
      env: {
        ...process.env,
        // Loaders a parent runs under (tsx, test runners) are not needed for plain CommonJS.
        NODE_OPTIONS: '',
        PGSQUASH_PG_MODULE: createRequire(import.meta.url).resolve('pg'),
        PGSQUASH_ADMIN_URL: adminUrl,
        PGSQUASH_SERVER_VERSION_NUM: String(serverVersionNum),
      },
    });
    child.on('error', () => undefined);
    child.stdin?.on('error', () => undefined);
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  } catch {
    child = undefined;
  }
  const send = (line: string) => {
    if (child?.stdin && !child.stdin.destroyed && child.exitCode === null) child.stdin.write(`${line}\n`);
  };
  return {
    pid: child?.pid,
    add: (name) => send(`add ${name}`),
    forget: (name) => send(`forget ${name}`),
    dismiss() {
      send('done');
      child?.stdin?.end();
    },
  };
}
