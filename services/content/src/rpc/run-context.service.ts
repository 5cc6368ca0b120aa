import { Injectable } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DEFAULT_VOICE_PROFILE, RunContextReply, RunContextRequest } from '@postmagiq/contracts';
import { DataSource } from 'typeorm';
import {
  AudienceSegmentEntity,
  CONTENT_DB,
  StoryEntryEntity,
  VoiceProfileEntity,
} from '../entities';
import { PersonasService } from '../personas/personas.service';

/**
 * Assembles a run's context. The voice is the requested profile, else the workspace default, else
 * its oldest profile, else the built-in default voice (with `voiceProfileId: null`); the segment
 * is the workspace's primary audience segment, if any.
 */
@Injectable()
export class RunContextService {
  constructor(
    @InjectDataSource(CONTENT_DB) private readonly ds: DataSource,
    private readonly personas: PersonasService,
  ) {}

  async build(req: RunContextRequest): Promise<RunContextReply> {
    const ws = req.workspaceId;
    const entry = await this.ds
      .getRepository(StoryEntryEntity)
      .findOneBy({ id: req.storyEntryId, workspaceId: ws });
    if (!entry)
      throw new RpcException({ status: 404, message: 'story entry not found in this workspace' });
    const voices = this.ds.getRepository(VoiceProfileEntity);
    let voice: VoiceProfileEntity | null;
    if (req.voiceProfileId) {
      voice = await voices.findOneBy({ id: req.voiceProfileId, workspaceId: ws });
      if (!voice)
        throw new RpcException({
          status: 404,
          message: 'voice profile not found in this workspace',
        });
    } else {
      voice =
        (await voices.findOneBy({ workspaceId: ws, isDefault: true })) ??
        (await voices.findOne({
          where: { workspaceId: ws },
          order: { createdAt: 'ASC', id: 'ASC' },
        }));
    }
    const segment = await this.ds
      .getRepository(AudienceSegmentEntity)
      .findOneBy({ workspaceId: ws, isPrimary: true });
    return {
      storyEntryId: entry.id,
      story: {
        title: entry.title || entry.topic,
        topic: entry.topic,
        // an entry without its story yet runs on its topic
        body: entry.storySource.trim() || entry.topic,
        shape: entry.shape,
      },
      voiceProfileId: voice?.id ?? null,
      voice: voice
        ? {
            name: voice.name,
            tone: voice.tone,
            signaturePhrases: voice.signaturePhrases,
            avoid: voice.avoid,
            examples: voice.examples,
            styleRules: voice.styleRules,
          }
        : DEFAULT_VOICE_PROFILE,
      calibration: voice?.calibration ?? null,
      personaOverrides: await this.personas.overridesFor(ws),
      segment: segment
        ? { id: segment.id, name: segment.name, description: segment.description }
        : null,
    };
  }
}
