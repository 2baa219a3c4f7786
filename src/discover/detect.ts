import type { Layout, LayoutScan, ScanContext } from './layouts/index.js';
import { layoutFor, layoutsByPrecedence } from './layouts/index.js';
import type { Tree } from './tree.js';
import { dirsIn, subTree } from './tree.js';
import type { MigrationFormat } from './types.js';

export interface Detection {
  layout: Layout;
  scan: LayoutScan;
  /** Why this layout, in words: becomes `MigrationSet.formatReason`. */
  reason: string;
}

export interface DetectOptions {
  forced?: MigrationFormat;
  /** The root is a `supabase/migrations` folder found inside the directory given. */
  supabase?: boolean;
}

/** Picks the layout for a tree; undefined when nothing there looks like migrations. */
export async function detectLayout(tree: Tree, ctx: ScanContext, options: DetectOptions = {}): Promise<Detection | undefined> {
  if (options.forced) {
    const layout = layoutFor(options.forced);
    const scan = await layout.scan(tree, ctx);
    return { layout, scan, reason: `set by --format ${options.forced} (found ${scan.evidence})` };
  }
  if (options.supabase) {
    const layout = layoutFor('timestamp');
    const scan = await layout.scan(tree, ctx);
    return { layout, scan, reason: `found supabase/migrations, which the Supabase CLI reads as timestamped files (${scan.evidence})` };
  }
  const scored: { layout: Layout; scan: LayoutScan }[] = [];
  for (const layout of layoutsByPrecedence) {
    const scan = await layout.scan(tree, ctx);
    if (scan.score > 0) scored.push({ layout, scan });
  }
  if (scored.length === 0) return undefined;
  // Stable sort: equal scores keep precedence order.
  const ranked = [...scored].sort((a, b) => b.scan.score - a.scan.score);
  const best = ranked[0] as (typeof ranked)[number];
  let reason = `auto-detected: ${best.scan.evidence}`;
  const others = ranked.slice(1);
  if (others.length > 0) {
    reason += `; also matched ${others.map((o) => `${o.layout.format} (${o.scan.score})`).join(', ')}`;
    const tied = others.filter((o) => o.scan.score === best.scan.score).map((o) => o.layout.format);
    if (tied.length > 0) {
      reason += `; ${best.layout.format} wins the tie with ${tied.join(', ')} because its naming is more specific` +
        ` (precedence: ${layoutsByPrecedence.map((l) => l.format).join(' > ')})`;
    } else {
      reason += `; ${best.layout.format} accounts for the most migrations`;
    }
  }
  return { layout: best.layout, scan: best.scan, reason };
}

/** Sub-folders that look like migration sets, e.g. supabase-storage's `tenant/` and `multitenant/`. */
export async function migrationSubfolders(tree: Tree, ctx: ScanContext): Promise<string[]> {
  const hints: string[] = [];
  for (const dir of dirsIn(tree, '')) {
    const inner = subTree(tree, dir.path);
    const innerCtx: ScanContext = { sniffText: (p) => ctx.sniffText(`${dir.path}/${p}`) };
    const found = await detectLayout(inner, innerCtx);
    if (found) hints.push(`${dir.path}/ (${found.layout.format}, ${found.scan.migrations.length} migrations)`);
  }
  return hints;
}
