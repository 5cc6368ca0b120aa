import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  Character,
  CreateCharacterRequest,
  UpdateCharacterRequest,
} from '@postmagiq/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { isoOf } from '../common/http';
import { assignDefined, WorkspaceCrudService } from '../common/workspace-crud.service';
import { CharacterEntity, CONTENT_DB, ImagePromptEntity } from '../entities';

@Injectable()
export class CharactersService extends WorkspaceCrudService<
  CharacterEntity,
  CreateCharacterRequest,
  UpdateCharacterRequest,
  Character
> {
  protected readonly entity = CharacterEntity;
  protected readonly what = 'character';

  constructor(@InjectDataSource(CONTENT_DB) ds: DataSource) {
    super(ds);
  }

  protected toDto(e: CharacterEntity): Character {
    return {
      id: e.id,
      name: e.name,
      description: e.description,
      appearance: e.appearance,
      personality: e.personality,
      createdAt: isoOf(e.createdAt),
      updatedAt: isoOf(e.updatedAt),
    };
  }

  protected fromCreate(body: CreateCharacterRequest): Partial<CharacterEntity> {
    return body;
  }

  protected applyUpdate(e: CharacterEntity, body: UpdateCharacterRequest): void {
    assignDefined(e, body);
  }

  protected override async beforeRemove(e: CharacterEntity, m: EntityManager): Promise<void> {
    await m.update(
      ImagePromptEntity,
      { workspaceId: e.workspaceId, characterId: e.id },
      { characterId: null },
    );
  }
}
