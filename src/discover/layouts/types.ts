import type { Tree, TreeFile } from '../tree.js';
import type { Diagnostic, IgnoredFile, MigrationFormat, TransactionMode } from '../types.js';

/** A migration a layout found, before its file is read. */
export interface Candidate {
  /** The file to run, relative to the root. */
  path: string;
  version: string;
  name: string;
  /** What the layout's `compare` orders by (dash-stripped diesel version, Flyway description...). */
  sortKey: string;
  /** Candidates with equal keys are duplicate versions for the framework; human-readable. */
  versionKey: string;
  repeatable?: boolean;
  /** Set by a side file (diesel `metadata.toml`, Flyway `.sql.conf`) naming where it came from. */
  configuredTransaction?: { mode: TransactionMode; source: string };
  /** The migration's folder for folder layouts, so an order file may name the folder. */
  folder?: string;
}

/** A file that sits where migrations are read but does not fit the layout. */
export interface Stray {
  path: string;
  problem: string;
}

export interface LayoutScan {
  migrations: Candidate[];
  strays: Stray[];
  ignored: IgnoredFile[];
  diagnostics: Diagnostic[];
  /** How many migrations back this layout; 0 means the tree does not look like it at all. */
  score: number;
  /** What matched, in words, for `formatReason`. */
  evidence: string;
}

export interface ScanContext {
  /** Text of a file under the root, or undefined when it is not valid UTF-8 (reported later). */
  sniffText(relPath: string): Promise<string | undefined>;
}

export interface Body {
  sql: string;
  startLine: number;
  transaction: TransactionMode;
  diagnostics: Diagnostic[];
  /** Why the runner does not run this file's SQL (it substitutes a no-op), if it does not. */
  replacedByRunner?: string;
}

export interface Layout {
  format: MigrationFormat;
  /** The file naming it looks for, for messages. */
  pattern: string;
  scan(tree: Tree, ctx: ScanContext): Promise<LayoutScan>;
  /** The framework's order; 0 when the framework cannot tell (ties are broken by path bytes). */
  compare(a: Candidate, b: Candidate): number;
  /** The order a naive tool would use, so a plan can say where the framework's order differs. */
  naiveOrder?: { label: string; compare(a: Candidate, b: Candidate): number };
  /** A candidate for a file the order file places although the layout did not select it. */
  pin(file: TreeFile): Candidate;
  /** Reads what the framework would run from the decoded text. May throw InputError. */
  body(candidate: Candidate, text: string, pinned: boolean): Body;
}
