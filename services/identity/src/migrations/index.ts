import { Init1795692328059 } from './1795692328059-Init';
import { SeedFeatureFlags1795692328060 } from './1795692328060-SeedFeatureFlags';

/** Every identity migration, in order. Migrations are code, reviewed, run at boot. */
export const IDENTITY_MIGRATIONS = [Init1795692328059, SeedFeatureFlags1795692328060];
