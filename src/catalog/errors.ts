import { ExitCode, PgsquashError } from '../errors.js';
import { OTHER_DATABASE } from './queries/identities.js';

/**
 * The migrations created objects the model cannot reproduce yet; emitting a baseline without
 * them would drop them silently. Lists every object by its `pg_identify_object` name.
 */
export class UncoveredObjectsError extends PgsquashError {
  readonly objects: string[];
  constructor(objects: string[]) {
    super(
      `${objects.length} object${objects.length === 1 ? '' : 's'} created by the migrations cannot be reproduced by pgsquash yet`,
      ExitCode.usage,
      [
        ...objects.map((o) => `  ${o}`),
        ...(objects.some((o) => OTHER_DATABASE.test(o))
          ? ['A migration changed a database by name, which is not the one the replay builds: replay in a database of that',
             '  name (--scratch-db postgres), or write it against the current one, e.g. DO $$ BEGIN EXECUTE',
             "  format('ALTER DATABASE %I SET ...', current_database()); END $$; the baseline carries either."]
          : []),
        'Drop them in a migration, move them to a prelude, or report the object kind as an issue.',
      ],
    );
    this.objects = objects;
  }
}
