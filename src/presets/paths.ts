import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's `presets/` folder (versioned data files shipped with the package). Resolved from
 * this module's location, which is `src/presets/` in the repository and `dist/presets/` when built:
 * both sit two levels below the package root.
 */
export const presetsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'presets');

/** Control + SQL files of the stub extensions, one folder per extension. */
export const stubsDir = path.join(presetsDir, 'stubs');
