/**
 * Whether a database error is a Postgres unique violation (23505), optionally of one constraint
 * or index. TypeORM wraps the driver's error (`driverError`); raw `pg` errors come bare.
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as {
    code?: string;
    constraint?: string;
    driverError?: { code?: string; constraint?: string };
  } | null;
  const code = e?.driverError?.code ?? e?.code;
  const name = e?.driverError?.constraint ?? e?.constraint;
  return code === '23505' && (constraint === undefined || name === constraint);
}
