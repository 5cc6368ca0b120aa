import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { invalid } from '../common/http';

/**
 * Gapless 1-based positions of rows under a parent (chapter numbers in a strategy, week numbers in
 * a chapter). Callers hold the parent's row lock in the same transaction, so concurrent edits of
 * one list are serialised; the unique (parent, position) constraint is deferred to commit, so rows
 * may share a position while a shift is in flight.
 */
export interface PositionedList<E extends ObjectLiteral> {
  entity: EntityTarget<E>;
  /** Column names, and the entity property of the position. */
  parentColumn: string;
  positionColumn: string;
  positionProperty: string;
  /** Field name used in 400s (`number`, `weekNumber`). */
  field: string;
}

export async function countIn<E extends ObjectLiteral>(
  m: EntityManager,
  list: PositionedList<E>,
  parentId: string,
): Promise<number> {
  return m
    .createQueryBuilder(list.entity, 'r')
    .where(`r.${list.parentColumn} = :parentId`, { parentId })
    .getCount();
}

async function shift<E extends ObjectLiteral>(
  m: EntityManager,
  list: PositionedList<E>,
  parentId: string,
  from: number,
  to: number,
  by: number,
): Promise<void> {
  const p = list.positionColumn;
  await m
    .createQueryBuilder()
    .update(list.entity)
    .set({ [list.positionProperty]: () => `"${p}" + (${by})` } as never)
    .where(`"${list.parentColumn}" = :parentId AND "${p}" BETWEEN :from AND :to`, {
      parentId,
      from,
      to,
    })
    .execute();
}

/** Makes room at `position` (default: the end) and returns the position the new row takes. */
export async function openSlot<E extends ObjectLiteral>(
  m: EntityManager,
  list: PositionedList<E>,
  parentId: string,
  position?: number,
): Promise<number> {
  const count = await countIn(m, list, parentId);
  const at = position ?? count + 1;
  if (at > count + 1) throw invalid(list.field, `must be between 1 and ${count + 1}`);
  if (at <= count) await shift(m, list, parentId, at, count, 1);
  return at;
}

/** Moves a row from `from` to `to`, shifting the rows between; returns `to`. */
export async function moveSlot<E extends ObjectLiteral>(
  m: EntityManager,
  list: PositionedList<E>,
  parentId: string,
  from: number,
  to: number,
): Promise<number> {
  const count = await countIn(m, list, parentId);
  if (to > count) throw invalid(list.field, `must be between 1 and ${count}`);
  if (to < from) await shift(m, list, parentId, to, from - 1, 1);
  if (to > from) await shift(m, list, parentId, from + 1, to, -1);
  return to;
}

/** Closes the gap a deleted row left at `position`. */
export async function closeSlot<E extends ObjectLiteral>(
  m: EntityManager,
  list: PositionedList<E>,
  parentId: string,
  position: number,
): Promise<void> {
  await shift(m, list, parentId, position + 1, 2_147_483_647, -1);
}

/** Renumbers 1..n in the order of `ids`, which must be exactly the rows of the parent. */
export async function reorder<E extends ObjectLiteral>(
  m: EntityManager,
  list: PositionedList<E>,
  parentId: string,
  ids: string[],
): Promise<void> {
  const rows = await m
    .createQueryBuilder(list.entity, 'r')
    .select('r.id', 'id')
    .where(`r.${list.parentColumn} = :parentId`, { parentId })
    .getRawMany<{ id: string }>();
  const existing = new Set(rows.map((r) => r.id));
  const given = new Set(ids);
  if (given.size !== ids.length) throw invalid('ids', 'must not repeat an id');
  if (given.size !== existing.size || ids.some((id) => !existing.has(id))) {
    throw invalid('ids', `must list exactly the ${existing.size} ids of this list`);
  }
  const p = list.positionColumn;
  await m.query(
    `UPDATE ${m.connection
      .getMetadata(list.entity)
      .tablePath.split('.')
      .map((s) => `"${s}"`)
      .join('.')} AS t
     SET "${p}" = o.position
     FROM unnest($1::uuid[]) WITH ORDINALITY AS o(id, position)
     WHERE t.id = o.id AND t."${list.parentColumn}" = $2`,
    [ids, parentId],
  );
}
