import type { Command } from 'commander';
import { registerPlan } from './plan.js';
import { registerReplay } from './replay.js';

export type SetExitCode = (code: number) => void;

/** Every command is a thin layer over one library function. */
export function registerCommands(program: Command, setExit: SetExitCode): void {
  registerPlan(program, setExit);
  registerReplay(program, setExit);
}
