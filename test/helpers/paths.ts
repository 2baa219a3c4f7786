import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Shared real-world corpora live beside the project; the integration tier skips without them. */
export const corporaRoot = path.resolve(projectRoot, '..', 'shared', 'corpora');
export const haveCorpora = existsSync(corporaRoot);
export const PG15_BIN = '/usr/lib/postgresql/15/bin';
export const havePg15 = existsSync(path.join(PG15_BIN, 'pg_dump'));
