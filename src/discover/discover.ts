import { createHash } from 'node:crypto';
import path from 'node:path';
import { InputError } from '../errors.js';
import { decodeUtf8, findInvalidUtf8 } from './decode.js';
import type { Detection } from './detect.js';
import { detectLayout } from './detect.js';
import type { DiscoverFs } from './fs.js';
import { describeFsError, nodeFs } from './fs.js';
import { numbered } from './layouts/numbered.js';
import type { Candidate, ScanContext } from './layouts/index.js';
import { noMigrationsFound, notInOrderFile, nothingToRun, straysFound } from './messages.js';
import type { OrderFile } from './order-file.js';
import { readOrderFile } from './order-file.js';
import { duplicateVersions, frameworkOrder, naiveOrderNote } from './ordering.js';
import { baseName, dirName, hasSqlContent } from './sql-text.js';
import type { Tree } from './tree.js';
import { listTree } from './tree.js';
import type { Diagnostic, DiscoverOptions, IgnoredFile, Migration, MigrationSet } from './types.js';
import { migrationFormats } from './types.js';
import { compareBytes } from './version-order.js';

/** Reads at once: enough to keep the disk busy without holding thousands of open files. */
const READ_WIDTH = 32;

/**
 * Reads each file once: detection sniffs content (dbmate markers) that assembly reads again.
 * Reads run up to READ_WIDTH at a time: one after another, 10,000 files took seconds of waiting.
 */
class FileCache {
  private readonly bytes = new Map<string, Promise<Uint8Array>>();
  private rootReal: Promise<string> | undefined;
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(
    private readonly fs: DiscoverFs,
    readonly root: string,
  ) {}
  abs(rel: string): string {
    return path.join(this.root, ...rel.split('/'));
  }
  read(rel: string): Promise<Uint8Array> {
    let pending = this.bytes.get(rel);
    if (!pending) {
      pending = this.throttled(() => this.readInside(rel));
      this.bytes.set(rel, pending);
    }
    return pending;
  }
  /**
   * Starts reading files that are likely needed, so the in-order reads find them done. A failure
   * surfaces only when (and if) that file is read for real, in order.
   */
  prefetch(rels: string[]): void {
    for (const rel of rels) this.read(rel).catch(() => undefined);
  }
  private async throttled<T>(work: () => Promise<T>): Promise<T> {
    // A finished read hands its slot straight to the next waiting one.
    if (this.active >= READ_WIDTH) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
  /**
   * Links inside the root are followed like copies; a link out of it is refused, because the
   * squash would archive the link and not the file, and a stray link could read any file.
   */
  private async readInside(rel: string): Promise<Uint8Array> {
    const abs = this.abs(rel);
    try {
      if (this.fs.realPath) {
        this.rootReal ??= this.fs.realPath(this.root);
        const [target, root] = await Promise.all([this.fs.realPath(abs), this.rootReal]);
        if (target !== root && !target.startsWith(`${root}${path.sep}`)) {
          throw new InputError(`${rel} is a symbolic link to ${target}, outside the migration directory ${root}`, [
            'pgsquash follows links only within the directory: copy the file in, or point pgsquash at a directory that holds both.',
          ]);
        }
      }
      return await this.fs.readFile(abs);
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError(`cannot read ${rel}: ${describeFsError(error)}`, [`Check that ${abs} is a readable file (permissions, a broken disk or mount).`]);
    }
  }
  async sniff(rel: string): Promise<string | undefined> {
    const bytes = await this.read(rel);
    return findInvalidUtf8(bytes) || bytes.includes(0) ? undefined : decodeUtf8(bytes, rel).text;
  }
}

interface Placed {
  candidate: Candidate;
  pinned: boolean;
  line?: number;
}

/**
 * Finds the migrations in `dir`, in the order their framework runs them. Throws InputError for
 * anything it would otherwise have to guess about; everything else worth knowing is a diagnostic.
 */
export async function discover(dir: string, options: DiscoverOptions = {}, fs: DiscoverFs = nodeFs): Promise<MigrationSet> {
  if (options.format !== undefined && !migrationFormats.includes(options.format)) {
    throw new InputError(`unknown migration format "${String(options.format)}"`, [`Known formats: ${migrationFormats.join(', ')}.`]);
  }
  const given = path.resolve(dir);
  const kind = await fs.kind(given);
  if (kind === 'missing') throw new InputError(`migration directory not found: ${dir}`);
  if (kind !== 'dir') throw new InputError(`not a directory: ${dir}`, ['Pass the folder that holds the migrations.']);

  const { root, supabase } = await locateRoot(fs, given);
  const tree = await listTree(fs, root);
  const files = new FileCache(fs, root);
  files.prefetch(tree.files.filter((f) => f.name.toLowerCase().endsWith('.sql')).map((f) => f.path));
  const ctx: ScanContext = { sniffText: (p) => files.sniff(p) };
  const order = options.orderFile === undefined ? undefined : await readOrderFile(fs, options.orderFile);
  const placements = order ? await resolveOrderPaths(fs, order, root, given) : undefined;

  const forced = options.format;
  let detection = await detectLayout(tree, ctx, { ...(forced ? { forced } : {}), supabase });
  let scanned = tree;
  if (placements && (!detection || detection.scan.migrations.length === 0)) {
    // Nothing usable at the top: read the folders the order file points into as one flat set
    // (e.g. supabase-postgres's init-scripts/ then migrations/).
    ({ detection, scanned } = await detectFromOrderFile(tree, ctx, placements, forced));
  }
  if (!detection) throw await noMigrationsFound(tree, ctx, root);
  const { layout, scan } = detection;

  const listed = placements?.map((p) => p.rel) ?? [];
  const isPlaced = (p: string) => listed.includes(p) || (p.endsWith('/') && listed.some((l) => l.startsWith(p)));
  const strays = scan.strays.filter((s) => !isPlaced(s.path));
  if (strays.length > 0) throw straysFound(layout, strays, root, order !== undefined);

  const diagnostics: Diagnostic[] = [...scan.diagnostics];
  const ignored = new Map<string, IgnoredFile>();
  for (const item of [...tree.skipped, ...scan.ignored]) ignored.set(item.path, item);
  if (scanned !== tree) {
    const used = new Set(scanned.files.map((f) => f.path));
    for (const f of tree.files) if (!used.has(f.path)) ignored.set(f.path, { path: f.path, reason: 'not in a folder the order file uses' });
  }

  let placed: Placed[];
  if (order && placements) {
    placed = placeByOrderFile(placements, scan.migrations, detection, ignored, diagnostics, order.absPath);
  } else {
    placed = frameworkOrder(layout, scan.migrations).map((candidate) => ({ candidate, pinned: false }));
    const ordered = placed.map((p) => p.candidate);
    diagnostics.push(...duplicateVersions(ordered));
    const note = naiveOrderNote(layout, ordered);
    if (note) diagnostics.push(note);
  }
  if (placed.length === 0) throw nothingToRun(layout, scan, root);
  if (order) {
    const rel = path.relative(root, order.absPath).split(path.sep).join('/');
    if (ignored.has(rel)) ignored.set(rel, { path: rel, reason: 'the order file' });
  }

  const migrations: Migration[] = [];
  for (const { candidate, pinned, line } of placed) {
    const bytes = await files.read(candidate.path);
    const absPath = files.abs(candidate.path);
    const { text } = decodeUtf8(bytes, candidate.path, absPath);
    const body = layout.body(candidate, text, pinned);
    diagnostics.push(...body.diagnostics);
    if (!body.replacedByRunner && !hasSqlContent(body.sql)) {
      const what = layout.format === 'dbmate' && body.startLine > 1 ? 'its "-- migrate:up" block has' : 'it has';
      diagnostics.push({
        level: 'warning',
        code: 'empty-file',
        message: `${candidate.path}: ${what} no SQL (empty, or only whitespace and comments)`,
        paths: [candidate.path],
      });
    }
    const migration: Migration = {
      version: candidate.version,
      name: candidate.name,
      path: candidate.path,
      absPath,
      sql: body.sql,
      startLine: body.startLine,
      transaction: body.transaction,
      format: layout.format,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
    if (candidate.repeatable) migration.repeatable = true;
    if (body.replacedByRunner) migration.replacedByRunner = body.replacedByRunner;
    if (line !== undefined) migration.orderFileLine = line;
    migrations.push(migration);
  }

  return {
    root,
    format: layout.format,
    formatReason: order ? `${detection.reason}; order pinned by the order file ${options.orderFile}` : detection.reason,
    migrations,
    diagnostics,
    ignored: [...ignored.values()].sort((a, b) => compareBytes(a.path, b.path)),
  };
}

/** `supabase/migrations` inside the directory (or the directory itself) is the Supabase CLI's. */
async function locateRoot(fs: DiscoverFs, given: string): Promise<{ root: string; supabase: boolean }> {
  const inner = path.join(given, 'supabase', 'migrations');
  if ((await fs.kind(inner)) === 'dir') return { root: inner, supabase: true };
  const isSupabase = path.basename(given) === 'migrations' && path.basename(path.dirname(given)) === 'supabase';
  return { root: given, supabase: isSupabase };
}

interface Placement {
  line: number;
  written: string;
  /** Relative to the root. */
  rel: string;
  isDir: boolean;
}

/** Checks every order-file path exists; paths may be relative to the root or to the directory given. */
async function resolveOrderPaths(fs: DiscoverFs, order: OrderFile, root: string, given: string): Promise<Placement[]> {
  const placements: Placement[] = [];
  const missing: string[] = [];
  for (const entry of order.entries) {
    const bases = root === given ? [root] : [root, given];
    let found: Placement | undefined;
    for (const base of bases) {
      const rel = path.relative(root, path.join(base, ...entry.path.split('/'))).split(path.sep).join('/');
      if (rel === '' || rel.startsWith('../') || rel === '..') continue;
      const kind = await fs.kind(path.join(root, ...rel.split('/')));
      if (kind === 'file' || kind === 'dir') {
        found = { line: entry.line, written: entry.written, rel, isDir: kind === 'dir' };
        break;
      }
    }
    if (found) placements.push(found);
    else missing.push(`line ${entry.line}: ${entry.written}`);
  }
  if (missing.length > 0) {
    throw new InputError(`${missing.length} path${missing.length === 1 ? '' : 's'} in the order file do${missing.length === 1 ? 'es' : ''} not exist under ${root}`, missing);
  }
  return placements;
}

async function detectFromOrderFile(
  tree: Tree,
  ctx: ScanContext,
  placements: readonly Placement[],
  forced: DiscoverOptions['format'],
): Promise<{ detection: Detection; scanned: Tree }> {
  const folders = new Set(placements.map((p) => (p.isDir ? p.rel : dirName(p.rel))));
  const scanned: Tree = {
    files: tree.files.filter((f) => folders.has(f.parent)).map((f) => ({ ...f, parent: '', depth: 0 })),
    dirs: [],
    skipped: [],
  };
  const where = [...folders].sort(compareBytes).map((f) => (f === '' ? '.' : `${f}/`)).join(', ');
  const found = await detectLayout(scanned, ctx, forced ? { forced } : {});
  if (found) return { detection: { ...found, reason: `files from ${where} as listed in the order file; ${found.reason}` }, scanned };
  const scan = await numbered.scan(scanned, ctx);
  return {
    detection: {
      layout: numbered,
      scan,
      reason: `no layout matched the files in ${where}; they run in the order file's order as plain SQL, one transaction each`,
    },
    scanned,
  };
}

function placeByOrderFile(
  placements: readonly Placement[],
  candidates: readonly Candidate[],
  detection: Detection,
  ignored: Map<string, IgnoredFile>,
  diagnostics: Diagnostic[],
  orderFile: string,
): Placed[] {
  const byPath = new Map(candidates.map((c) => [c.path, c]));
  const byFolder = new Map(candidates.flatMap((c) => (c.folder ? [[c.folder, c] as const] : [])));
  const usedBy = new Map<string, number>();
  const problems: string[] = [];
  const placed: Placed[] = [];
  for (const p of placements) {
    let candidate = p.isDir ? byFolder.get(p.rel) : byPath.get(p.rel);
    let pinned = false;
    if (!candidate && p.isDir) {
      problems.push(`line ${p.line}: ${p.written} is a folder that is not a ${detection.layout.format} migration; list the file to run`);
      continue;
    }
    if (!candidate) {
      candidate = detection.layout.pin({ path: p.rel, name: baseName(p.rel), parent: dirName(p.rel), depth: 0 });
      pinned = true;
      const skipped = ignored.get(p.rel);
      if (skipped) {
        ignored.delete(p.rel);
        diagnostics.push({
          level: 'note',
          code: 'order-file-includes',
          message: `${p.rel} runs because the order file lists it (line ${p.line}), although ${detection.layout.format} would ignore it: ${skipped.reason}`,
          paths: [p.rel],
        });
      }
    }
    const earlier = usedBy.get(candidate.path);
    if (earlier !== undefined) {
      problems.push(`line ${p.line}: ${p.written} is the same migration as line ${earlier}`);
      continue;
    }
    usedBy.set(candidate.path, p.line);
    placed.push({ candidate, pinned, line: p.line });
  }
  if (problems.length > 0) throw new InputError(`the order file ${orderFile} cannot be applied`, problems);
  const unlisted = candidates.filter((c) => !usedBy.has(c.path)).map((c) => c.path);
  if (unlisted.length > 0) throw notInOrderFile(unlisted.sort(compareBytes), orderFile);
  return placed;
}
