import type { MigrationFormat } from '../types.js';
import { dbmate } from './dbmate.js';
import { diesel } from './diesel.js';
import { flyway } from './flyway.js';
import { golangMigrate } from './golang-migrate.js';
import { numbered } from './numbered.js';
import { prisma } from './prisma.js';
import { timestamp } from './timestamp.js';
import type { Layout } from './types.js';

/**
 * Most specific first. Detection prefers the layout that accounts for the most migrations; on a
 * tie the earlier one wins, because its evidence (folders with migration.sql, a V prefix, a
 * `-- migrate:up` line, an `.up.sql` suffix) is something the later, plainer layouts never show.
 */
export const layoutsByPrecedence: readonly Layout[] = [prisma, diesel, flyway, dbmate, golangMigrate, timestamp, numbered];

export function layoutFor(format: MigrationFormat): Layout {
  const layout = layoutsByPrecedence.find((l) => l.format === format);
  if (!layout) throw new Error(`no layout for format ${format}`);
  return layout;
}

export type { Candidate, Layout, LayoutScan, ScanContext, Stray } from './types.js';
