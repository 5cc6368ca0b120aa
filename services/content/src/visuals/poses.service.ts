import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CreatePoseRequest, Pose, UpdatePoseRequest } from '@postmagiq/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { isoOf } from '../common/http';
import { assertRef, assignDefined, WorkspaceCrudService } from '../common/workspace-crud.service';
import { CONTENT_DB, ImagePromptEntity, PoseEntity, SentimentEntity } from '../entities';

@Injectable()
export class PosesService extends WorkspaceCrudService<
  PoseEntity,
  CreatePoseRequest,
  UpdatePoseRequest,
  Pose
> {
  protected readonly entity = PoseEntity;
  protected readonly what = 'pose';

  constructor(@InjectDataSource(CONTENT_DB) ds: DataSource) {
    super(ds);
  }

  protected toDto(e: PoseEntity): Pose {
    return {
      id: e.id,
      name: e.name,
      description: e.description,
      sentimentId: e.sentimentId,
      cameraAngle: e.cameraAngle,
      createdAt: isoOf(e.createdAt),
      updatedAt: isoOf(e.updatedAt),
    };
  }

  protected async fromCreate(
    body: CreatePoseRequest,
    ws: string,
    m: EntityManager,
  ): Promise<Partial<PoseEntity>> {
    await assertRef(m, SentimentEntity, ws, body.sentimentId, 'sentimentId');
    return body;
  }

  protected async applyUpdate(
    e: PoseEntity,
    body: UpdatePoseRequest,
    m: EntityManager,
  ): Promise<void> {
    await assertRef(m, SentimentEntity, e.workspaceId, body.sentimentId, 'sentimentId');
    assignDefined(e, body);
  }

  protected override async beforeRemove(e: PoseEntity, m: EntityManager): Promise<void> {
    await m.update(
      ImagePromptEntity,
      { workspaceId: e.workspaceId, poseId: e.id },
      { poseId: null },
    );
  }
}
