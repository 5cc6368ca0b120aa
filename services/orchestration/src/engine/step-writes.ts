import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Everything a step writes, sent as ONE statement: each insert and update becomes a
 * data-modifying `WITH` part of a single `WITH … SELECT 1`. Why: a step writes to up to six
 * tables, and a statement's round trip, not its size, is what a step pays for (on the embedded
 * Postgres every statement costs milliseconds, whatever it carries). One statement is also atomic
 * on its own, so a new run needs no explicit transaction.
 *
 * Rules Postgres sets for the parts (and callers keep): they all see the snapshot from before the
 * statement, so no part may read or touch a row another part inserts or updates (each row is
 * written once per step: the run, its calls, its new rows). Columns are named from the entities'
 * TypeORM metadata, values travel as parameters (jsonb as JSON text), and a column left
 * `undefined` takes its default.
 */
export class StepWrites {
  private readonly parts: string[] = [];
  private readonly params: unknown[] = [];

  constructor(private readonly m: EntityManager) {}

  get isEmpty(): boolean {
    return this.parts.length === 0;
  }

  /** `INSERT INTO <table> (<columns of the first row>) VALUES (…), (…)`; every row has the same columns set. */
  insert<T extends ObjectLiteral>(target: EntityTarget<T>, rows: readonly T[]): this {
    if (rows.length === 0) return this;
    const meta = this.m.connection.getMetadata(target);
    const columns = meta.columns.filter((c) =>
      rows.some((row) => c.getEntityValue(row) !== undefined),
    );
    const values = rows.map(
      (row) =>
        `(${columns
          .map((c) => {
            const value = c.getEntityValue(row) as unknown;
            return value === undefined ? 'DEFAULT' : this.param(c, value);
          })
          .join(', ')})`,
    );
    this.parts.push(
      `INSERT INTO ${this.table(meta)} (${columns.map((c) => q(c.databaseName)).join(', ')}) VALUES ${values.join(', ')}`,
    );
    return this;
  }

  /**
   * `UPDATE <table> SET … WHERE <every key of where> = …`. An entity with an update-date column
   * gets `now()` there unless `set` names it.
   */
  update<T extends ObjectLiteral>(
    target: EntityTarget<T>,
    set: Partial<T>,
    where: Partial<T>,
  ): this {
    const meta = this.m.connection.getMetadata(target);
    const assignments = this.pairs(meta, set);
    const touched = meta.updateDateColumn;
    if (touched && !(touched.propertyName in set))
      assignments.push(`${q(touched.databaseName)} = now()`);
    const conditions = this.pairs(meta, where);
    if (assignments.length === 0 || conditions.length === 0)
      throw new Error(`StepWrites.update(${meta.tableName}): nothing to set or no condition`);
    this.parts.push(
      `UPDATE ${this.table(meta)} SET ${assignments.join(', ')} WHERE ${conditions.join(' AND ')}`,
    );
    return this;
  }

  /**
   * Writes `row` back where `where` holds: every column of the entity's metadata except its
   * primary key, the columns named `writtenOnce` (set when the row was inserted, never changed by
   * a step) and the create/update dates (the update date gets `now()`). A column added to the entity is saved by
   * every step unless it is declared written once: it cannot be silently left unsaved.
   */
  updateRow<T extends ObjectLiteral>(
    target: EntityTarget<T>,
    row: T,
    where: Partial<T>,
    writtenOnce: readonly (keyof T & string)[],
  ): this {
    const meta = this.m.connection.getMetadata(target);
    const skipped = new Set<string>(writtenOnce);
    const set: Partial<T> = {};
    for (const column of meta.columns) {
      if (column.isPrimary || column.isCreateDate || column.isUpdateDate) continue;
      if (skipped.has(column.propertyName)) continue;
      (set as Record<string, unknown>)[column.propertyName] = column.getEntityValue(row) as unknown;
    }
    return this.update(target, set, where);
  }

  /** Sends the statement (nothing when there is nothing to write). */
  async execute(): Promise<void> {
    if (this.parts.length === 0) return;
    const sql =
      this.parts.length === 1
        ? this.parts[0]
        : `WITH ${this.parts.map((part, i) => `w${i} AS (${part})`).join(', ')} SELECT 1`;
    await this.m.query(sql as string, this.params);
  }

  private pairs<T extends ObjectLiteral>(meta: EntityMetadata, values: Partial<T>): string[] {
    return Object.entries(values)
      .filter(([, value]) => value !== undefined)
      .map(([property, value]) => {
        const column = meta.findColumnWithPropertyName(property);
        if (!column) throw new Error(`${meta.tableName} has no column for property '${property}'`);
        return `${q(column.databaseName)} = ${this.param(column, value)}`;
      });
  }

  private param(column: ColumnMetadata, value: unknown): string {
    // node-postgres would turn a top-level array into a Postgres array literal: jsonb goes as JSON text
    this.params.push(value !== null && column.type === 'jsonb' ? JSON.stringify(value) : value);
    return `$${this.params.length}`;
  }

  private table(meta: EntityMetadata): string {
    return meta.schema ? `${q(meta.schema)}.${q(meta.tableName)}` : q(meta.tableName);
  }
}

function q(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}
