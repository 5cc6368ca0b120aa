import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CreateOutfitRequest, Outfit, UpdateOutfitRequest } from '@postmagiq/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { isoOf } from '../common/http';
import { assertRef, assignDefined, WorkspaceCrudService } from '../common/workspace-crud.service';
import { CONTENT_DB, ImagePromptEntity, OutfitEntity, SentimentEntity } from '../entities';

@Injectable()
export class OutfitsService extends WorkspaceCrudService<
  OutfitEntity,
  CreateOutfitRequest,
  UpdateOutfitRequest,
  Outfit
> {
  protected readonly entity = OutfitEntity;
  protected readonly what = 'outfit';

  constructor(@InjectDataSource(CONTENT_DB) ds: DataSource) {
    super(ds);
  }

  protected toDto(e: OutfitEntity): Outfit {
    return {
      id: e.id,
      name: e.name,
      parts: e.parts,
      sentimentId: e.sentimentId,
      createdAt: isoOf(e.createdAt),
      updatedAt: isoOf(e.updatedAt),
    };
  }

  protected async fromCreate(
    body: CreateOutfitRequest,
    ws: string,
    m: EntityManager,
  ): Promise<Partial<OutfitEntity>> {
    await assertRef(m, SentimentEntity, ws, body.sentimentId, 'sentimentId');
    return body;
  }

  protected async applyUpdate(
    e: OutfitEntity,
    body: UpdateOutfitRequest,
    m: EntityManager,
  ): Promise<void> {
    await assertRef(m, SentimentEntity, e.workspaceId, body.sentimentId, 'sentimentId');
    assignDefined(e, body);
  }

  protected override async beforeRemove(e: OutfitEntity, m: EntityManager): Promise<void> {
    await m.update(
      ImagePromptEntity,
      { workspaceId: e.workspaceId, outfitId: e.id },
      { outfitId: null },
    );
  }
}
