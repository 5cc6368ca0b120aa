import { Init1795693525202 } from './1795693525202-Init';
import { RunPausedTime1795695460054 } from './1795695460054-RunPausedTime';
import { RunIdempotencyKey1795704336224 } from './1795704336224-RunIdempotencyKey';
import { RunBreakerExtended1795712258942 } from './1795712258942-RunBreakerExtended';
import { RunCreditExhausted1796227671253 } from './1796227671253-RunCreditExhausted';

/** Every orchestration migration, in order. Migrations are code, reviewed, run at boot. */
export const ORCHESTRATION_MIGRATIONS = [
  Init1795693525202,
  RunPausedTime1795695460054,
  RunIdempotencyKey1795704336224,
  RunBreakerExtended1795712258942,
  RunCreditExhausted1796227671253,
];
