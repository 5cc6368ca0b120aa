import { BreakerLimit } from '@postmagiq/contracts';
import {
  BreakerLimits,
  HARD_LIMITS,
  LIMIT_FIELDS,
  LimitOverrides,
} from '../breaker/breaker-limits';
import { YamlField, YamlReader } from './yaml-reader';

const LIMIT_KEYS = Object.keys(LIMIT_FIELDS) as BreakerLimit[];
const INTEGER_LIMITS: ReadonlySet<BreakerLimit> = new Set(['state_visits', 'transitions']);

/** Reads `limits: {state_visits, transitions, runtime_minutes, cost_usd}`, all optional. */
export function readLimits(field: YamlField | undefined, reader: YamlReader): LimitOverrides {
  if (!field) return {};
  const fields = reader.fields(field.value, 'limits', LIMIT_KEYS, reader.valueAnchor(field));
  if (!fields) return {};
  const overrides: Partial<Record<keyof BreakerLimits, number>> = {};
  for (const limit of LIMIT_KEYS) {
    const entry = fields.get(limit);
    if (!entry) continue;
    const value = reader.positiveNumber(entry, 'limits', INTEGER_LIMITS.has(limit));
    if (value === null) continue;
    const ceiling = HARD_LIMITS[LIMIT_FIELDS[limit]];
    if (value > ceiling) {
      reader.error(
        reader.valueAnchor(entry),
        `limits: ${limit} ${value} exceeds the hard ceiling of ${ceiling}`,
      );
      continue;
    }
    overrides[LIMIT_FIELDS[limit]] = value;
  }
  return overrides;
}
