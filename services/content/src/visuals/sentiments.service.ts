import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  CreateSentimentRequest,
  Sentiment,
  UpdateSentimentRequest,
} from '@postmagiq/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { isoOf } from '../common/http';
import { assertRef, assignDefined, WorkspaceCrudService } from '../common/workspace-crud.service';
import {
  CONTENT_DB,
  ImagePromptEntity,
  OutfitEntity,
  PoseEntity,
  SceneEntity,
  SentimentEntity,
  StrategyEntity,
} from '../entities';

@Injectable()
export class SentimentsService extends WorkspaceCrudService<
  SentimentEntity,
  CreateSentimentRequest,
  UpdateSentimentRequest,
  Sentiment
> {
  protected readonly entity = SentimentEntity;
  protected readonly what = 'sentiment';

  constructor(@InjectDataSource(CONTENT_DB) ds: DataSource) {
    super(ds);
  }

  protected toDto(e: SentimentEntity): Sentiment {
    return {
      id: e.id,
      name: e.name,
      description: e.description,
      strategyId: e.strategyId,
      colorScheme: e.colorScheme,
      mood: e.mood,
      createdAt: isoOf(e.createdAt),
      updatedAt: isoOf(e.updatedAt),
    };
  }

  protected async fromCreate(
    body: CreateSentimentRequest,
    ws: string,
    m: EntityManager,
  ): Promise<Partial<SentimentEntity>> {
    await assertRef(m, StrategyEntity, ws, body.strategyId, 'strategyId');
    return body;
  }

  protected async applyUpdate(
    e: SentimentEntity,
    body: UpdateSentimentRequest,
    m: EntityManager,
  ): Promise<void> {
    await assertRef(m, StrategyEntity, e.workspaceId, body.strategyId, 'strategyId');
    assignDefined(e, body);
  }

  protected override async beforeRemove(e: SentimentEntity, m: EntityManager): Promise<void> {
    const where = { workspaceId: e.workspaceId, sentimentId: e.id };
    for (const entity of [SceneEntity, PoseEntity, OutfitEntity, ImagePromptEntity]) {
      await m.update(entity, where, { sentimentId: null });
    }
  }
}
