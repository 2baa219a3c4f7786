import { execFileSync } from 'node:child_process';

/** CLI tests spawn the built `dist/cli/main.js`, so build once before the suite runs. */
export default function setup(): void {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
