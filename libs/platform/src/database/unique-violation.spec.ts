import { isUniqueViolation } from './unique-violation';

describe('isUniqueViolation', () => {
  const pgError = { code: '23505', constraint: 'personas_workspace_name_key' };

  it('recognises a bare driver error and one TypeORM wrapped', () => {
    expect(isUniqueViolation(pgError)).toBe(true);
    expect(isUniqueViolation({ driverError: pgError })).toBe(true);
  });

  it('checks the constraint when one is named', () => {
    expect(isUniqueViolation(pgError, 'personas_workspace_name_key')).toBe(true);
    expect(isUniqueViolation({ driverError: pgError }, 'another_key')).toBe(false);
  });

  it('is false for other errors and for no error', () => {
    expect(isUniqueViolation({ code: '23503', constraint: 'fk' })).toBe(false);
    expect(isUniqueViolation(new Error('boom'))).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
    expect(isUniqueViolation(undefined)).toBe(false);
  });
});
