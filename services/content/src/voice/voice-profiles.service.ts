import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  CreateVoiceProfileRequest,
  UpdateVoiceProfileRequest,
  VoiceCalibration,
  VoiceDistance,
  VoiceProfileDto,
} from '@postmagiq/contracts';
import { Problems } from '@postmagiq/platform';
import { DataSource, EntityManager } from 'typeorm';
import { iso, isoOf } from '../common/http';
import { assignDefined, WorkspaceCrudService } from '../common/workspace-crud.service';
import { CONTENT_DB, PostEntity, VoiceProfileEntity } from '../entities';
import { calibrate, voiceDistance } from './calibration';

/**
 * Voice profiles. The calibration is recomputed whenever the examples change (and on demand), and
 * at most one profile is the workspace default: making one default clears the others in the same
 * transaction.
 */
@Injectable()
export class VoiceProfilesService extends WorkspaceCrudService<
  VoiceProfileEntity,
  CreateVoiceProfileRequest,
  UpdateVoiceProfileRequest,
  VoiceProfileDto
> {
  protected readonly entity = VoiceProfileEntity;
  protected readonly what = 'voice profile';

  constructor(@InjectDataSource(CONTENT_DB) ds: DataSource) {
    super(ds);
  }

  protected toDto(e: VoiceProfileEntity): VoiceProfileDto {
    return {
      id: e.id,
      name: e.name,
      tone: e.tone,
      signaturePhrases: e.signaturePhrases,
      avoid: e.avoid,
      examples: e.examples,
      styleRules: e.styleRules,
      isDefault: e.isDefault,
      calibration: e.calibration,
      calibratedAt: iso(e.calibratedAt),
      createdAt: isoOf(e.createdAt),
      updatedAt: isoOf(e.updatedAt),
    };
  }

  protected async fromCreate(
    body: CreateVoiceProfileRequest,
    ws: string,
    m: EntityManager,
  ): Promise<Partial<VoiceProfileEntity>> {
    if (body.isDefault) await this.clearDefault(m, ws);
    return { ...body, ...this.calibrated(body.examples) };
  }

  protected async applyUpdate(
    e: VoiceProfileEntity,
    body: UpdateVoiceProfileRequest,
    m: EntityManager,
  ): Promise<void> {
    if (body.isDefault === true && !e.isDefault) await this.clearDefault(m, e.workspaceId);
    assignDefined(e, body);
    if (body.examples !== undefined) Object.assign(e, this.calibrated(e.examples));
  }

  protected override async beforeRemove(e: VoiceProfileEntity, m: EntityManager): Promise<void> {
    await m.update(
      PostEntity,
      { workspaceId: e.workspaceId, voiceProfileId: e.id },
      { voiceProfileId: null },
    );
  }

  /** Recomputes and stores the calibration from the current examples. */
  async recalibrate(ws: string, id: string): Promise<VoiceProfileDto> {
    const row = await this.ds.transaction(async (m) => {
      const e = await this.find(m, ws, id, true);
      Object.assign(e, this.calibrated(e.examples));
      return m.save(VoiceProfileEntity, e);
    });
    return this.toDto(row);
  }

  async calibration(ws: string, id: string): Promise<VoiceCalibration> {
    const e = await this.find(this.ds.manager, ws, id);
    if (!e.calibration)
      throw Problems.conflict('this voice has no example posts to calibrate from');
    return e.calibration;
  }

  async distance(ws: string, id: string, text: string): Promise<VoiceDistance> {
    return voiceDistance(await this.calibration(ws, id), text);
  }

  private calibrated(examples: string[]): Pick<VoiceProfileEntity, 'calibration' | 'calibratedAt'> {
    const calibration = calibrate(examples);
    return { calibration, calibratedAt: calibration ? new Date() : null };
  }

  private async clearDefault(m: EntityManager, ws: string): Promise<void> {
    await m.update(VoiceProfileEntity, { workspaceId: ws, isDefault: true }, { isDefault: false });
  }
}
