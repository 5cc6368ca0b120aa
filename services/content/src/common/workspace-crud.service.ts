import type { ContentPageQuery, Page } from '@postmagiq/contracts';
import { Problems } from '@postmagiq/platform';
import { randomUUID } from 'node:crypto';
import {
  DataSource,
  EntityManager,
  EntityTarget,
  FindOptionsOrder,
  FindOptionsWhere,
  ObjectLiteral,
} from 'typeorm';
import { invalid } from './http';

/** Every tenant-owned row has these. */
export interface WorkspaceRow extends ObjectLiteral {
  id: string;
  workspaceId: string;
}

/**
 * List/get/create/update/delete of one workspace-owned entity, every query scoped by the caller's
 * workspace: an id of another workspace is "not found". Writes run in one short transaction with
 * their checks (references to other assets of the same workspace), so nothing is half written.
 * Subclasses map DTOs and add the checks.
 */
export abstract class WorkspaceCrudService<E extends WorkspaceRow, C, U, D> {
  protected abstract readonly entity: EntityTarget<E>;
  /** Singular noun for messages ("character"). */
  protected abstract readonly what: string;
  protected readonly order: FindOptionsOrder<E> = {
    createdAt: 'DESC',
    id: 'ASC',
  } as unknown as FindOptionsOrder<E>;

  constructor(protected readonly ds: DataSource) {}

  protected abstract toDto(entity: E): D;
  /** The new row's fields from a validated body (checks references through `m`). */
  protected abstract fromCreate(
    body: C,
    workspaceId: string,
    m: EntityManager,
  ): Promise<Partial<E>> | Partial<E>;
  /** Applies a validated partial body to the row (checks references through `m`). */
  protected abstract applyUpdate(entity: E, body: U, m: EntityManager): Promise<void> | void;
  /** Clears references to a row about to be deleted, in the same transaction. */
  protected beforeRemove(_entity: E, _m: EntityManager): Promise<void> | void {
    /* nothing by default */
  }
  /** Extra filter of the list (e.g. `?category=`). */
  protected listWhere(_query: Record<string, unknown>): FindOptionsWhere<E> {
    return {} as FindOptionsWhere<E>;
  }

  async list(
    workspaceId: string,
    page: ContentPageQuery & Record<string, unknown>,
  ): Promise<Page<D>> {
    const where = { ...this.listWhere(page), workspaceId } as FindOptionsWhere<E>;
    const [rows, total] = await this.ds.getRepository(this.entity).findAndCount({
      where,
      order: this.order,
      take: page.limit,
      skip: page.offset,
    });
    return { items: rows.map((r) => this.toDto(r)), total, limit: page.limit, offset: page.offset };
  }

  async get(workspaceId: string, id: string): Promise<D> {
    return this.toDto(await this.find(this.ds.manager, workspaceId, id));
  }

  async create(workspaceId: string, body: C): Promise<D> {
    const row = await this.ds.transaction(async (m) => {
      const fields = await this.fromCreate(body, workspaceId, m);
      const entity = m.create(this.entity, {
        ...fields,
        id: randomUUID(),
        workspaceId,
      } as unknown as E);
      return m.save(this.entity, entity);
    });
    return this.toDto(row);
  }

  async update(workspaceId: string, id: string, body: U): Promise<D> {
    const row = await this.ds.transaction(async (m) => {
      const entity = await this.find(m, workspaceId, id, true);
      await this.applyUpdate(entity, body, m);
      return m.save(this.entity, entity);
    });
    return this.toDto(row);
  }

  async remove(workspaceId: string, id: string): Promise<void> {
    await this.ds.transaction(async (m) => {
      const entity = await this.find(m, workspaceId, id, true);
      await this.beforeRemove(entity, m);
      await m.delete(this.entity, { id, workspaceId } as unknown as FindOptionsWhere<E>);
    });
  }

  /** The row of this workspace, or 404. `lock` takes a row lock for an update in a transaction. */
  protected async find(
    m: EntityManager,
    workspaceId: string,
    id: string,
    lock = false,
  ): Promise<E> {
    const row = await m.findOne(this.entity, {
      where: { id, workspaceId } as unknown as FindOptionsWhere<E>,
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!row) throw Problems.notFound(this.what);
    return row;
  }
}

/**
 * Checks that a referenced row exists in the workspace; a 400 naming the field otherwise (an id of
 * another workspace is as unknown as a made-up one).
 */
export async function assertRef<E extends WorkspaceRow>(
  m: EntityManager,
  entity: EntityTarget<E>,
  workspaceId: string,
  id: string | null | undefined,
  field: string,
): Promise<void> {
  if (id === null || id === undefined) return;
  const found = await m.exists(entity, {
    where: { id, workspaceId } as unknown as FindOptionsWhere<E>,
  });
  if (!found) throw invalid(field, 'not found in this workspace');
}

/** Assigns the defined keys of a partial body onto an entity. */
export function assignDefined<T extends object>(target: T, patch: Partial<T>): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  }
}
