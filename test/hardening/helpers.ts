import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../helpers/paths.js';

/** The built CLI; PGSQUASH_TEST_CLI may point at another build (while dist/ is rebuilt by other runs). */
export const cliPath = process.env.PGSQUASH_TEST_CLI ?? path.join(projectRoot, 'dist/cli/main.js');

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for message checks. */
  all: string;
}

export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Run as another user (tests run as root, which reads files whatever their mode). */
  uid?: number;
  gid?: number;
  /** Called once the child runs, e.g. to signal it later. */
  onSpawn?: (child: ChildProcess) => void;
  /** Called with the stderr text so far whenever more arrives. */
  onStderr?: (text: string) => void;
}

/** Runs the built CLI (dist/cli/main.js) as a user would, and collects everything it prints. */
export function cli(args: string[], options: CliOptions = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: options.cwd ?? projectRoot,
      env: { ...process.env, PGSQUASH_DEBUG: '', ...options.env },
      ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid ?? options.uid } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
      options.onStderr?.(stderr);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, all: `${stdout}\n${stderr}` }));
    options.onSpawn?.(child);
  });
}

/** A stack trace line as Node prints them. Users must never see one. */
export const STACK_LINE = /^\s+at .+/m;

/** Path → SHA-256 (or link target) of everything under `dir`, to prove a run changed nothing. */
export function snapshotTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const abs = path.join(dir, entry);
    const info = lstatSync(abs);
    if (info.isSymbolicLink()) out.set(entry, `link:${readlinkSync(abs)}`);
    else if (info.isFile()) {
      try {
        out.set(entry, createHash('sha256').update(readFileSync(abs)).digest('hex'));
      } catch {
        out.set(entry, `unreadable:${info.mode.toString(8)}`);
      }
    } else out.set(entry, info.isDirectory() ? 'dir' : 'other');
  }
  return out;
}

/** Processes whose command line mentions `needle` (Linux /proc). */
export function processesMatching(needle: string): { pid: number; cmd: string }[] {
  const found: { pid: number; cmd: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      if (cmd.includes(needle)) found.push({ pid: Number(entry), cmd });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Processes whose working directory is under `dir`: postgres backends keep the data dir as cwd. */
export function processesIn(dir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cwd = readlinkSync(`/proc/${entry}/cwd`).replace(/ \(deleted\)$/, '');
      if (cwd === dir || cwd.startsWith(`${dir}/`)) found.push(Number(entry));
    } catch {
      // gone or not ours to read
    }
  }
  return found;
}

/** Clusters and other `pgsquash-*` temp entries in `tmp`, except the initdb template cache that is meant to stay. */
export function pgsquashTempDirs(tmp = os.tmpdir()): string[] {
  try {
    return readdirSync(tmp).filter((e) => e.startsWith('pgsquash-') && !e.startsWith('pgsquash-initdb-cache'));
  } catch {
    return [];
  }
}

export async function waitFor(check: () => boolean, timeoutMs: number, stepMs = 50): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return check();
}
