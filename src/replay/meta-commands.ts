/** psql backslash commands: what we say when a migration file contains one. */
import { SourceProblem } from './location.js';

const advice: Record<string, string> = {
  '\\i': 'inline the included file, or list it as its own migration',
  '\\ir': 'inline the included file, or list it as its own migration',
  '\\set': 'replace the variable with its value',
  '\\connect': 'split the migration per database; pgsquash replays into one database',
  '\\c': 'split the migration per database; pgsquash replays into one database',
  '\\copy': 'use COPY ... FROM stdin with inline data, or load the data outside the migrations',
};

export function metaCommandError(text: string, index: number): SourceProblem {
  const m = /^\\([A-Za-z]+|.?)/.exec(text.slice(index, index + 40));
  const command = `\\${m?.[1] ?? ''}`;
  return new SourceProblem(
    `psql meta-command ${command}: pgsquash runs SQL, not psql scripts`,
    index,
    advice[command] ?? 'remove the meta-command or rewrite it as SQL',
  );
}
