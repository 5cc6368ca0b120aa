import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { Timestamped } from './columns';

@Entity({ name: 'characters' })
@Index('characters_workspace_idx', ['workspaceId', 'createdAt'])
export class CharacterEntity extends Timestamped {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'workspace_id' }) workspaceId!: string;
  @Column('varchar', { length: 120 }) name!: string;
  @Column('text', { default: '' }) description!: string;
  @Column('text', { default: '' }) appearance!: string;
  @Column('text', { default: '' }) personality!: string;
}
