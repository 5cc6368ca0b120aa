import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  ComposeImagePromptRequest,
  CreateImagePromptRequest,
  ImagePrompt,
  ImagePromptPreview,
  UpdateImagePromptRequest,
} from '@postmagiq/contracts';
import { DataSource, EntityManager, EntityTarget, In } from 'typeorm';
import { invalid, isoOf } from '../common/http';
import { assertRef, WorkspaceCrudService, WorkspaceRow } from '../common/workspace-crud.service';
import {
  CharacterEntity,
  CONTENT_DB,
  ImagePromptEntity,
  OutfitEntity,
  PoseEntity,
  PostEntity,
  PropEntity,
  SceneEntity,
  SentimentEntity,
} from '../entities';
import { composeImagePrompt } from './compose-image-prompt';

/** Image prompts: composed from the workspace's assets when saved, previewable without saving. */
@Injectable()
export class ImagePromptsService extends WorkspaceCrudService<
  ImagePromptEntity,
  CreateImagePromptRequest,
  UpdateImagePromptRequest,
  ImagePrompt
> {
  protected readonly entity = ImagePromptEntity;
  protected readonly what = 'image prompt';

  constructor(@InjectDataSource(CONTENT_DB) ds: DataSource) {
    super(ds);
  }

  protected toDto(e: ImagePromptEntity): ImagePrompt {
    return {
      id: e.id,
      name: e.name,
      postId: e.postId,
      characterId: e.characterId,
      sceneId: e.sceneId,
      poseId: e.poseId,
      outfitId: e.outfitId,
      sentimentId: e.sentimentId,
      propIds: e.propIds,
      aspect: e.aspect,
      extra: e.extra,
      prompt: e.prompt,
      negativePrompt: e.negativePrompt,
      hash: e.hash,
      createdAt: isoOf(e.createdAt),
      updatedAt: isoOf(e.updatedAt),
    };
  }

  preview(workspaceId: string, body: ComposeImagePromptRequest): Promise<ImagePromptPreview> {
    return this.compose(this.ds.manager, workspaceId, body);
  }

  protected async fromCreate(
    body: CreateImagePromptRequest,
    ws: string,
    m: EntityManager,
  ): Promise<Partial<ImagePromptEntity>> {
    await assertRef(m, PostEntity, ws, body.postId, 'postId');
    const composed = await this.compose(m, ws, body);
    return { ...body, propIds: unique(body.propIds), ...composed };
  }

  protected async applyUpdate(
    e: ImagePromptEntity,
    body: UpdateImagePromptRequest,
    m: EntityManager,
  ): Promise<void> {
    await assertRef(m, PostEntity, e.workspaceId, body.postId, 'postId');
    const need = (id: string | null, field: string) => {
      if (id === null) throw invalid(field, 'the part was deleted: choose another');
      return id;
    };
    const parts: ComposeImagePromptRequest = {
      characterId: body.characterId ?? need(e.characterId, 'characterId'),
      sceneId: body.sceneId ?? need(e.sceneId, 'sceneId'),
      poseId: body.poseId ?? need(e.poseId, 'poseId'),
      outfitId: body.outfitId ?? need(e.outfitId, 'outfitId'),
      sentimentId: body.sentimentId ?? need(e.sentimentId, 'sentimentId'),
      propIds: unique(body.propIds ?? e.propIds),
      aspect: body.aspect ?? e.aspect,
      extra: body.extra ?? e.extra,
    };
    Object.assign(e, parts, await this.compose(m, e.workspaceId, parts));
    if (body.name !== undefined) e.name = body.name;
    if (body.postId !== undefined) e.postId = body.postId;
  }

  private async compose(
    m: EntityManager,
    ws: string,
    body: ComposeImagePromptRequest,
  ): Promise<ImagePromptPreview> {
    const one = async <E extends WorkspaceRow>(
      entity: EntityTarget<E>,
      id: string,
      field: string,
    ): Promise<E> => {
      const row = await m.findOne(entity, { where: { id, workspaceId: ws } as never });
      if (!row) throw invalid(field, 'not found in this workspace');
      return row;
    };
    const character = await one(CharacterEntity, body.characterId, 'characterId');
    const scene = await one(SceneEntity, body.sceneId, 'sceneId');
    const pose = await one(PoseEntity, body.poseId, 'poseId');
    const outfit = await one(OutfitEntity, body.outfitId, 'outfitId');
    const sentiment = await one(SentimentEntity, body.sentimentId, 'sentimentId');
    const ids = unique(body.propIds);
    const found = ids.length
      ? await m.find(PropEntity, { where: { id: In(ids), workspaceId: ws } })
      : [];
    const byId = new Map(found.map((p) => [p.id, p]));
    const props = ids.map((id, i) => {
      const prop = byId.get(id);
      if (!prop) throw invalid(`propIds.${i}`, 'not found in this workspace');
      return prop;
    });
    return composeImagePrompt({
      character,
      scene,
      pose,
      outfit,
      sentiment,
      props,
      aspect: body.aspect,
      extra: body.extra,
    });
  }
}

const unique = (ids: string[]) => [...new Set(ids)];
