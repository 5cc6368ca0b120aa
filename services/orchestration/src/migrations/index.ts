import { Init1795692957600 } from './1795692957600-Init';

/** Every orchestration migration, in order. Migrations are code, reviewed, run at boot. */
export const ORCHESTRATION_MIGRATIONS = [Init1795692957600];
