import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CreateSceneRequest, Scene, UpdateSceneRequest } from '@postmagiq/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { isoOf } from '../common/http';
import { assertRef, assignDefined, WorkspaceCrudService } from '../common/workspace-crud.service';
import { CONTENT_DB, ImagePromptEntity, SceneEntity, SentimentEntity } from '../entities';

@Injectable()
export class ScenesService extends WorkspaceCrudService<
  SceneEntity,
  CreateSceneRequest,
  UpdateSceneRequest,
  Scene
> {
  protected readonly entity = SceneEntity;
  protected readonly what = 'scene';

  constructor(@InjectDataSource(CONTENT_DB) ds: DataSource) {
    super(ds);
  }

  protected toDto(e: SceneEntity): Scene {
    return {
      id: e.id,
      name: e.name,
      description: e.description,
      sentimentId: e.sentimentId,
      props: e.props,
      createdAt: isoOf(e.createdAt),
      updatedAt: isoOf(e.updatedAt),
    };
  }

  protected async fromCreate(
    body: CreateSceneRequest,
    ws: string,
    m: EntityManager,
  ): Promise<Partial<SceneEntity>> {
    await assertRef(m, SentimentEntity, ws, body.sentimentId, 'sentimentId');
    return body;
  }

  protected async applyUpdate(
    e: SceneEntity,
    body: UpdateSceneRequest,
    m: EntityManager,
  ): Promise<void> {
    await assertRef(m, SentimentEntity, e.workspaceId, body.sentimentId, 'sentimentId');
    assignDefined(e, body);
  }

  protected override async beforeRemove(e: SceneEntity, m: EntityManager): Promise<void> {
    await m.update(
      ImagePromptEntity,
      { workspaceId: e.workspaceId, sceneId: e.id },
      { sceneId: null },
    );
  }
}
