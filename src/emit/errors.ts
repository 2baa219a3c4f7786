import { ExitCode, PgsquashError } from '../errors.js';

/** Objects whose dependencies form a cycle that no statement order satisfies (FK cycles are broken, not reported). */
export class DependencyCycleError extends PgsquashError {
  readonly members: string[];
  constructor(members: string[]) {
    super(`${members.length} objects depend on each other in a cycle and cannot be ordered`, ExitCode.usage, [
      ...members.map((m) => `  ${m}`),
      'Break the cycle in a migration (e.g. drop a default or check that calls a function which reads the table).',
    ]);
    this.members = members;
  }
}
