import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const big = { maxBuffer: 256 * 1024 * 1024 };

/** The work tree `dir` is in, or undefined when git is absent or `dir` is not in a repository. */
export async function gitTopLevel(dir: string): Promise<string | undefined> {
  try {
    const { stdout } = await run('git', ['rev-parse', '--show-toplevel'], { cwd: dir });
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Stages the old and new paths of moved files that git tracked, so git records the move as
 * renames (identical content) and `git log --follow` keeps each file's history. Returns the
 * `git status --short` lines for those paths.
 */
export async function stageRenames(topLevel: string, moves: { from: string; to: string }[]): Promise<string> {
  const trackedMoves: { from: string; to: string }[] = [];
  for (let i = 0; i < moves.length; i += 500) {
    const chunk = moves.slice(i, i + 500);
    const { stdout } = await run('git', ['ls-files', '-z', '--deleted', '--cached', '--', ...chunk.map((m) => m.from)], { cwd: topLevel, ...big });
    const tracked = new Set(stdout.split('\0').filter(Boolean).map((p) => path.resolve(topLevel, p)));
    trackedMoves.push(...chunk.filter((m) => tracked.has(path.resolve(m.from))));
  }
  if (!trackedMoves.length) return '';
  const paths = trackedMoves.flatMap((m) => [m.from, m.to]);
  for (let i = 0; i < paths.length; i += 500) {
    await run('git', ['add', '-A', '--', ...paths.slice(i, i + 500)], { cwd: topLevel, ...big });
  }
  const { stdout } = await run('git', ['status', '--short', '--', ...paths], { cwd: topLevel, ...big });
  return stdout;
}
