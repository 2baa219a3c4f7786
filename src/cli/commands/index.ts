import type { Command } from 'commander';
import { registerBaseline } from './baseline.js';
import { registerPlan } from './plan.js';
import { registerReplay } from './replay.js';

/** Every command is a thin layer over one library function. */
export function registerCommands(program: Command): void {
  registerPlan(program);
  registerReplay(program);
  registerBaseline(program);
}
