import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  AudienceSegment,
  CreateAudienceSegmentRequest,
  UpdateAudienceSegmentRequest,
} from '@postmagiq/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { isoOf } from '../common/http';
import { assignDefined, WorkspaceCrudService } from '../common/workspace-crud.service';
import { AudienceSegmentEntity, CONTENT_DB } from '../entities';

/** Audience segments; at most one is primary (marking one clears the others in the same transaction). */
@Injectable()
export class AudienceSegmentsService extends WorkspaceCrudService<
  AudienceSegmentEntity,
  CreateAudienceSegmentRequest,
  UpdateAudienceSegmentRequest,
  AudienceSegment
> {
  protected readonly entity = AudienceSegmentEntity;
  protected readonly what = 'audience segment';

  constructor(@InjectDataSource(CONTENT_DB) ds: DataSource) {
    super(ds);
  }

  protected toDto(e: AudienceSegmentEntity): AudienceSegment {
    return {
      id: e.id,
      name: e.name,
      description: e.description,
      demographics: e.demographics,
      psychographics: e.psychographics,
      isPrimary: e.isPrimary,
      createdAt: isoOf(e.createdAt),
      updatedAt: isoOf(e.updatedAt),
    };
  }

  protected async fromCreate(
    body: CreateAudienceSegmentRequest,
    ws: string,
    m: EntityManager,
  ): Promise<Partial<AudienceSegmentEntity>> {
    if (body.isPrimary) await this.clearPrimary(m, ws);
    return body;
  }

  protected async applyUpdate(
    e: AudienceSegmentEntity,
    body: UpdateAudienceSegmentRequest,
    m: EntityManager,
  ): Promise<void> {
    if (body.isPrimary === true && !e.isPrimary) await this.clearPrimary(m, e.workspaceId);
    assignDefined(e, body);
  }

  private async clearPrimary(m: EntityManager, ws: string): Promise<void> {
    await m.update(
      AudienceSegmentEntity,
      { workspaceId: ws, isPrimary: true },
      { isPrimary: false },
    );
  }
}
