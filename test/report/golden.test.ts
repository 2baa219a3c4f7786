import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderReport, reportDirectory } from '../../src/report/index.js';
import { projectRoot } from '../helpers/paths.js';

// Regenerate with: npx tsx src/cli/main.ts report examples/saas/migrations -o output/REPORT.md
describe('golden report of the bundled example', () => {
  it('output/REPORT.md is what `pgsquash report examples/saas/migrations` writes today', async () => {
    const { report } = await reportDirectory(path.join(projectRoot, 'examples', 'saas', 'migrations'), { engine: 'embedded' });
    const expected = await readFile(path.join(projectRoot, 'output', 'REPORT.md'), 'utf8');
    expect(renderReport(report)).toBe(expected);
  }, 120_000);
});
