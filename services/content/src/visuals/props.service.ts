import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CreatePropRequest, Prop, UpdatePropRequest } from '@postmagiq/contracts';
import { DataSource, EntityManager, FindOptionsWhere } from 'typeorm';
import { isoOf } from '../common/http';
import { assignDefined, WorkspaceCrudService } from '../common/workspace-crud.service';
import { CONTENT_DB, ImagePromptEntity, PropEntity } from '../entities';

@Injectable()
export class PropsService extends WorkspaceCrudService<
  PropEntity,
  CreatePropRequest,
  UpdatePropRequest,
  Prop
> {
  protected readonly entity = PropEntity;
  protected readonly what = 'prop';

  constructor(@InjectDataSource(CONTENT_DB) ds: DataSource) {
    super(ds);
  }

  protected toDto(e: PropEntity): Prop {
    return {
      id: e.id,
      name: e.name,
      category: e.category,
      description: e.description,
      createdAt: isoOf(e.createdAt),
      updatedAt: isoOf(e.updatedAt),
    };
  }

  protected override listWhere(query: Record<string, unknown>): FindOptionsWhere<PropEntity> {
    return typeof query['category'] === 'string' ? { category: query['category'] } : {};
  }

  protected fromCreate(body: CreatePropRequest): Partial<PropEntity> {
    return body;
  }

  protected applyUpdate(e: PropEntity, body: UpdatePropRequest): void {
    assignDefined(e, body);
  }

  protected override async beforeRemove(e: PropEntity, m: EntityManager): Promise<void> {
    await m
      .createQueryBuilder()
      .update(ImagePromptEntity)
      .set({ propIds: () => `array_remove("prop_ids", :propId::uuid)` })
      .where('workspace_id = :ws AND :propId::uuid = ANY("prop_ids")', {
        ws: e.workspaceId,
        propId: e.id,
      })
      .execute();
  }
}
