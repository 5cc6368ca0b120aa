import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { PLATFORM_ENV, ServiceDatabaseModule } from '@postmagiq/platform';
import { CONTENT_CONFIG, ContentConfig, loadContentConfig } from './config/content.config';
import { CONTENT_DB, CONTENT_ENTITIES, CONTENT_SCHEMA, EMBEDDING_DIM } from './entities';
import { RunFinishedConsumer } from './events/run-finished.consumer';
import { AudienceSegmentsService } from './intelligence/audience-segments.service';
import { CalibratedVoicesService } from './intelligence/calibrated-voices.service';
import { createEmbeddingProvider } from './intelligence/create-embedding-provider';
import { EMBEDDING_PROVIDER } from './intelligence/embedding-provider';
import { EmbeddingsService } from './intelligence/embeddings.service';
import {
  AudienceSegmentsController,
  CalibratedVoicesController,
  SearchController,
  SourcesController,
} from './intelligence/intelligence.controllers';
import { ReindexService } from './intelligence/reindex.service';
import { SourcesService } from './intelligence/sources.service';
import { CONTENT_MIGRATIONS } from './migrations';
import { PersonasController } from './personas/personas.controller';
import { PersonasService, promptLibraryProvider } from './personas/personas.service';
import { FinishedPostsController, PostsController } from './posts/posts.controllers';
import { PostsService } from './posts/posts.service';
import { RunContextRpcController } from './rpc/run-context.rpc';
import { RunContextService } from './rpc/run-context.service';
import { ChaptersService } from './strategy/chapters.service';
import { GoalsService } from './strategy/goals.service';
import { StoryEntriesService } from './strategy/story-entries.service';
import { StrategiesService } from './strategy/strategies.service';
import {
  ChaptersController,
  GoalsController,
  StoryEntriesController,
  StrategiesController,
} from './strategy/strategy.controllers';
import { CharactersService } from './visuals/characters.service';
import { ImagePromptsService } from './visuals/image-prompts.service';
import { OutfitsService } from './visuals/outfits.service';
import { GeminiPhotoReader, PHOTO_READER, SimulatedPhotoReader } from './visuals/photo-reader';
import { PosesService } from './visuals/poses.service';
import { PropsService } from './visuals/props.service';
import { ScenesService } from './visuals/scenes.service';
import { SentimentsService } from './visuals/sentiments.service';
import {
  CharactersController,
  ImagePromptsController,
  OutfitsController,
  PosesController,
  PropsController,
  ScenesController,
  SentimentsController,
} from './visuals/visual-assets.controllers';
import { VoiceProfilesController } from './voice/voice-profiles.controller';
import { VoiceProfilesService } from './voice/voice-profiles.service';

/**
 * The content service as a module: booted alone by main.ts, or with the other services by the
 * standalone process. Needs PlatformModule in the same application.
 */
@Module({
  imports: [
    // lets the platform's route audit (listRoutes) walk this module's controllers
    DiscoveryModule,
    ServiceDatabaseModule.forService({
      name: CONTENT_DB,
      schema: CONTENT_SCHEMA,
      entities: CONTENT_ENTITIES,
      migrations: CONTENT_MIGRATIONS,
    }),
  ],
  controllers: [
    VoiceProfilesController,
    StrategiesController,
    ChaptersController,
    StoryEntriesController,
    GoalsController,
    PostsController,
    FinishedPostsController,
    PersonasController,
    CharactersController,
    ScenesController,
    PosesController,
    OutfitsController,
    SentimentsController,
    PropsController,
    ImagePromptsController,
    SourcesController,
    SearchController,
    AudienceSegmentsController,
    CalibratedVoicesController,
    RunContextRpcController,
  ],
  providers: [
    {
      provide: CONTENT_CONFIG,
      inject: [PLATFORM_ENV],
      useFactory: (env: NodeJS.ProcessEnv) => loadContentConfig(env),
    },
    {
      provide: EMBEDDING_PROVIDER,
      inject: [CONTENT_CONFIG],
      useFactory: (c: ContentConfig) => createEmbeddingProvider(c, EMBEDDING_DIM),
    },
    {
      provide: PHOTO_READER,
      inject: [CONTENT_CONFIG],
      useFactory: (c: ContentConfig) =>
        c.GEMINI_API_KEY
          ? new GeminiPhotoReader(c.GEMINI_API_KEY, c.GEMINI_VISION_MODEL, c.GEMINI_BASE_URL)
          : new SimulatedPhotoReader(),
    },
    promptLibraryProvider,
    EmbeddingsService,
    ReindexService,
    VoiceProfilesService,
    StrategiesService,
    ChaptersService,
    StoryEntriesService,
    GoalsService,
    PostsService,
    PersonasService,
    CharactersService,
    ScenesService,
    PosesService,
    OutfitsService,
    SentimentsService,
    PropsService,
    ImagePromptsService,
    SourcesService,
    AudienceSegmentsService,
    CalibratedVoicesService,
    RunContextService,
    RunFinishedConsumer,
  ],
})
export class ContentModule {}
