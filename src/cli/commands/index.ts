import type { Command } from 'commander';
import { registerBaseline } from './baseline.js';
import { registerPlan } from './plan.js';
import { registerReplay } from './replay.js';
import { registerReport } from './report.js';
import { registerSquash } from './squash.js';
import { registerRegenerate } from './regenerate.js';
import { registerDiff } from './diff.js';
import { registerCheck } from './check.js';
import { registerRecover } from './recover.js';

/** Every command is a thin layer over one library function. */
export function registerCommands(program: Command): void {
  registerPlan(program);
  registerReplay(program);
  registerBaseline(program);
  registerReport(program);
  registerSquash(program);
  registerRegenerate(program);
  registerDiff(program);
  registerCheck(program);
  registerRecover(program);
}
