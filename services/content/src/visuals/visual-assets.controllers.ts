import { HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import {
  CharacterDraft,
  ComposeImagePromptRequest,
  ComposeImagePromptRequestSchema,
  ContentPageQuerySchema,
  CreateCharacterRequestSchema,
  CreateImagePromptRequestSchema,
  CreateOutfitRequestSchema,
  CreatePoseRequestSchema,
  CreatePropRequestSchema,
  CreateSceneRequestSchema,
  CreateSentimentRequestSchema,
  DraftCharacterFromPhotoRequest,
  DraftCharacterFromPhotoRequestSchema,
  ImagePromptPreview,
  UpdateCharacterRequestSchema,
  UpdateImagePromptRequestSchema,
  UpdateOutfitRequestSchema,
  UpdatePoseRequestSchema,
  UpdatePropRequestSchema,
  UpdateSceneRequestSchema,
  UpdateSentimentRequestSchema,
  SentimentSchema,
  SceneSchema,
  PoseSchema,
  OutfitSchema,
  PropSchema,
  CharacterSchema,
  ImagePromptSchema,
  CharacterDraftSchema,
  ImagePromptPreviewSchema,
} from '@postmagiq/contracts';
import { ZodBody } from '@postmagiq/platform';
import { z } from 'zod';
import { CanWrite, WorkspaceId } from '../common/access';
import { CrudController } from '../common/crud.controller';
import { ApiResult } from '../common/openapi';
import { CharactersService } from './characters.service';
import { ImagePromptsService } from './image-prompts.service';
import { OutfitsService } from './outfits.service';
import { PHOTO_READER, PhotoReader } from './photo-reader';
import { PosesService } from './poses.service';
import { PropsService } from './props.service';
import { ScenesService } from './scenes.service';
import { SentimentsService } from './sentiments.service';

const tag = 'visual assets';

export class SentimentsController extends CrudController({
  path: 'sentiments',
  tag,
  what: 'sentiment',
  create: CreateSentimentRequestSchema,
  update: UpdateSentimentRequestSchema,
  dto: SentimentSchema,
  service: SentimentsService,
}) {}

export class ScenesController extends CrudController({
  path: 'scenes',
  tag,
  what: 'scene',
  create: CreateSceneRequestSchema,
  update: UpdateSceneRequestSchema,
  dto: SceneSchema,
  service: ScenesService,
}) {}

export class PosesController extends CrudController({
  path: 'poses',
  tag,
  what: 'pose',
  create: CreatePoseRequestSchema,
  update: UpdatePoseRequestSchema,
  dto: PoseSchema,
  service: PosesService,
}) {}

export class OutfitsController extends CrudController({
  path: 'outfits',
  tag,
  what: 'outfit',
  create: CreateOutfitRequestSchema,
  update: UpdateOutfitRequestSchema,
  dto: OutfitSchema,
  service: OutfitsService,
}) {}

export class PropsController extends CrudController({
  path: 'props',
  tag,
  what: 'prop',
  create: CreatePropRequestSchema,
  update: UpdatePropRequestSchema,
  dto: PropSchema,
  listQuery: ContentPageQuerySchema.extend({
    category: z.string().trim().min(1).max(60).optional(),
  }),
  service: PropsService,
}) {}

export class CharactersController extends CrudController({
  path: 'characters',
  tag,
  what: 'character',
  create: CreateCharacterRequestSchema,
  update: UpdateCharacterRequestSchema,
  dto: CharacterSchema,
  service: CharactersService,
}) {
  @Inject(PHOTO_READER) private readonly reader!: PhotoReader;

  @Post('draft-from-photo')
  @ApiResult(CharacterDraftSchema)
  @HttpCode(200)
  @CanWrite()
  @ApiOperation({
    summary:
      'Draft a character from a photo (Gemini vision; simulated without GEMINI_API_KEY). Not saved.',
  })
  async draftFromPhoto(
    @ZodBody(DraftCharacterFromPhotoRequestSchema) body: DraftCharacterFromPhotoRequest,
  ): Promise<CharacterDraft> {
    const draft = await this.reader.draft(
      { mimeType: body.mimeType, data: Buffer.from(body.imageBase64, 'base64') },
      body.name,
    );
    return { draft, backend: this.reader.backend, model: this.reader.model };
  }
}

export class ImagePromptsController extends CrudController({
  path: 'image-prompts',
  tag,
  what: 'image prompt',
  create: CreateImagePromptRequestSchema,
  update: UpdateImagePromptRequestSchema,
  dto: ImagePromptSchema,
  service: ImagePromptsService,
}) {
  @Inject(ImagePromptsService) private readonly prompts!: ImagePromptsService;

  @Post('preview')
  @ApiResult(ImagePromptPreviewSchema)
  @HttpCode(200)
  @CanWrite()
  @ApiOperation({
    summary: 'Compose the prompt for these parts without saving it (same parts, same text)',
  })
  preview(
    @WorkspaceId() ws: string,
    @ZodBody(ComposeImagePromptRequestSchema) body: ComposeImagePromptRequest,
  ): Promise<ImagePromptPreview> {
    return this.prompts.preview(ws, body);
  }
}
