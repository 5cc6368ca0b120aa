import type { VoicePlatform, VoiceSpec } from '@postmagiq/contracts';
import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { AudienceSegmentEntity } from './audience-segment.entity';
import { Timestamped } from './columns';
import { VoiceProfileEntity } from './voice-profile.entity';

/** A voice adjusted for one audience segment on one platform. */
@Entity({ name: 'calibrated_voices' })
@Unique('calibrated_voices_key', ['workspaceId', 'voiceProfileId', 'segmentId', 'platform'])
export class CalibratedVoiceEntity extends Timestamped {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('uuid', { name: 'voice_profile_id' })
  voiceProfileId!: string;

  @ManyToOne(() => VoiceProfileEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'voice_profile_id', foreignKeyConstraintName: 'calibrated_voices_voice_fk' })
  voiceProfile?: VoiceProfileEntity;

  @Column('uuid', { name: 'segment_id' })
  segmentId!: string;

  @ManyToOne(() => AudienceSegmentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'segment_id', foreignKeyConstraintName: 'calibrated_voices_segment_fk' })
  segment?: AudienceSegmentEntity;

  @Column('varchar', { length: 16 })
  platform!: VoicePlatform;

  @Column('jsonb', { name: 'voice_spec' })
  voiceSpec!: VoiceSpec;
}
