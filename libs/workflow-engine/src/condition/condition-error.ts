/**
 * A syntax or validation error inside a condition. `offset` is 0-based into the condition text so
 * the definition parser can map it back onto the YAML scalar that holds the condition.
 */
export class ConditionError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'ConditionError';
  }
}
