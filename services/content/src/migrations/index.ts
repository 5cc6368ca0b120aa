import { Init1795693243276 } from './1795693243276-Init';
import { SearchIndexes1795693243277 } from './1795693243277-SearchIndexes';

/** Every content migration, in order. Migrations are code, reviewed, run at boot. */
export const CONTENT_MIGRATIONS = [Init1795693243276, SearchIndexes1795693243277];
