import { spawn } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../helpers/paths.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (`dist/cli/main.js`, built by the global setup) as users run it. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return runNode([path.join(projectRoot, 'dist/cli/main.js'), ...args], options);
}

export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Runs `node <argv>` (from the project root unless `cwd`), collecting its exit code and output. */
export function runNode(argv: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, {
      cwd: options.cwd ?? projectRoot,
      env: { ...process.env, ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
