import { spawnSync } from 'node:child_process';

/**
 * CLI tests spawn the built `dist/cli/main.js`, so build once before the suite runs. Type errors
 * are caught by `npm run typecheck` (part of `npm test`); tsc still emits, so other tests can run.
 */
export default function setup(): void {
  spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'ignore' });
}
