import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  CalibratedVoice,
  CreateCalibratedVoiceRequest,
  UpdateCalibratedVoiceRequest,
} from '@postmagiq/contracts';
import { Problems } from '@postmagiq/platform';
import { DataSource, EntityManager } from 'typeorm';
import { isoOf } from '../common/http';
import { assertRef, WorkspaceCrudService } from '../common/workspace-crud.service';
import {
  AudienceSegmentEntity,
  CalibratedVoiceEntity,
  CONTENT_DB,
  VoiceProfileEntity,
} from '../entities';

/** A voice adjusted for one segment on one platform; one per (voice, segment, platform). */
@Injectable()
export class CalibratedVoicesService extends WorkspaceCrudService<
  CalibratedVoiceEntity,
  CreateCalibratedVoiceRequest,
  UpdateCalibratedVoiceRequest,
  CalibratedVoice
> {
  protected readonly entity = CalibratedVoiceEntity;
  protected readonly what = 'calibrated voice';

  constructor(@InjectDataSource(CONTENT_DB) ds: DataSource) {
    super(ds);
  }

  protected toDto(e: CalibratedVoiceEntity): CalibratedVoice {
    return {
      id: e.id,
      voiceProfileId: e.voiceProfileId,
      segmentId: e.segmentId,
      platform: e.platform,
      voiceSpec: e.voiceSpec,
      createdAt: isoOf(e.createdAt),
      updatedAt: isoOf(e.updatedAt),
    };
  }

  protected async fromCreate(
    body: CreateCalibratedVoiceRequest,
    ws: string,
    m: EntityManager,
  ): Promise<Partial<CalibratedVoiceEntity>> {
    await assertRef(m, VoiceProfileEntity, ws, body.voiceProfileId, 'voiceProfileId');
    await assertRef(m, AudienceSegmentEntity, ws, body.segmentId, 'segmentId');
    const taken = await m.exists(CalibratedVoiceEntity, {
      where: {
        workspaceId: ws,
        voiceProfileId: body.voiceProfileId,
        segmentId: body.segmentId,
        platform: body.platform,
      },
    });
    if (taken)
      throw Problems.conflict(
        `this voice is already calibrated for that segment on ${body.platform}`,
      );
    return body;
  }

  protected applyUpdate(e: CalibratedVoiceEntity, body: UpdateCalibratedVoiceRequest): void {
    e.voiceSpec = body.voiceSpec;
  }
}
