import { Init1796225849491 } from './1796225849491-Init';
import { GrantPayment1796400000000 } from './1796400000000-GrantPayment';

/** Every billing migration, in order. Migrations are code, reviewed, run at boot. */
export const BILLING_MIGRATIONS = [Init1796225849491, GrantPayment1796400000000];
