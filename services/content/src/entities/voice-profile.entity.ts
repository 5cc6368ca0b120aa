import type { VoiceCalibration } from '@postmagiq/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { Timestamped } from './columns';

@Entity({ name: 'voice_profiles' })
@Index('voice_profiles_workspace_idx', ['workspaceId', 'createdAt'])
@Index('voice_profiles_one_default_key', ['workspaceId'], { unique: true, where: '"is_default"' })
export class VoiceProfileEntity extends Timestamped {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('varchar', { length: 120 })
  name!: string;

  @Column('text', { array: true, default: () => "'{}'" })
  tone!: string[];

  @Column('text', { name: 'signature_phrases', array: true, default: () => "'{}'" })
  signaturePhrases!: string[];

  @Column('text', { array: true, default: () => "'{}'" })
  avoid!: string[];

  @Column('text', { array: true, default: () => "'{}'" })
  examples!: string[];

  @Column('text', { name: 'style_rules', array: true, default: () => "'{}'" })
  styleRules!: string[];

  @Column('boolean', { name: 'is_default', default: false })
  isDefault!: boolean;

  @Column('jsonb', { nullable: true })
  calibration!: VoiceCalibration | null;

  @Column('timestamptz', { name: 'calibrated_at', nullable: true })
  calibratedAt!: Date | null;
}
