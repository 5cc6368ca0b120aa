import { Column, Entity, PrimaryColumn, Unique } from 'typeorm';
import { Timestamped } from './columns';

@Entity({ name: 'personas' })
@Unique('personas_workspace_name_key', ['workspaceId', 'name'])
export class PersonaEntity extends Timestamped {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('varchar', { length: 64 })
  name!: string;

  @Column('varchar', { length: 500, default: '' })
  description!: string;

  @Column('text')
  template!: string;
}
