import { Init1795693525202 } from './1795693525202-Init';

/** Every orchestration migration, in order. Migrations are code, reviewed, run at boot. */
export const ORCHESTRATION_MIGRATIONS = [Init1795693525202];
