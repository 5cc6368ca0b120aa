import { Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import {
  CreateVoiceProfileRequestSchema,
  UpdateVoiceProfileRequestSchema,
  VoiceCalibration,
  VoiceDistance,
  VoiceDistanceRequest,
  VoiceDistanceRequestSchema,
  VoiceProfileDto,
  VoiceProfileDtoSchema,
  VoiceCalibrationSchema,
  VoiceDistanceSchema,
} from '@postmagiq/contracts';
import { uuidOr404, ZodBody } from '@postmagiq/platform';
import { CanWrite, WorkspaceId } from '../common/access';
import { CrudController } from '../common/crud.controller';
import { ApiResult } from '../common/openapi';
import { VoiceProfilesService } from './voice-profiles.service';

const Id = uuidOr404('voice profile');

export class VoiceProfilesController extends CrudController({
  path: 'voice-profiles',
  tag: 'voice profiles',
  what: 'voice profile',
  create: CreateVoiceProfileRequestSchema,
  update: UpdateVoiceProfileRequestSchema,
  dto: VoiceProfileDtoSchema,
  service: VoiceProfilesService,
}) {
  @Inject(VoiceProfilesService) private readonly voices!: VoiceProfilesService;

  @Get(':id/calibration')
  @ApiResult(VoiceCalibrationSchema)
  @ApiOperation({
    summary: 'The measured style of the voice (from its example posts); 409 while it has none',
  })
  calibration(@WorkspaceId() ws: string, @Param('id', Id) id: string): Promise<VoiceCalibration> {
    return this.voices.calibration(ws, id);
  }

  @Post(':id/calibration')
  @ApiResult(VoiceProfileDtoSchema)
  @HttpCode(200)
  @CanWrite()
  @ApiOperation({ summary: 'Measure the examples again and store the calibration' })
  recalibrate(@WorkspaceId() ws: string, @Param('id', Id) id: string): Promise<VoiceProfileDto> {
    return this.voices.recalibrate(ws, id);
  }

  @Post(':id/calibration/distance')
  @ApiResult(VoiceDistanceSchema)
  @HttpCode(200)
  @ApiOperation({ summary: 'How far a draft sits from the voice, metric by metric (reads only)' })
  distance(
    @WorkspaceId() ws: string,
    @Param('id', Id) id: string,
    @ZodBody(VoiceDistanceRequestSchema) body: VoiceDistanceRequest,
  ): Promise<VoiceDistance> {
    return this.voices.distance(ws, id, body.text);
  }
}
