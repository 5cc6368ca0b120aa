import { AudienceSegmentEntity } from './audience-segment.entity';
import { CalibratedVoiceEntity } from './calibrated-voice.entity';
import { ChapterEntity } from './chapter.entity';
import { CharacterEntity } from './character.entity';
import { EmbeddingEntity } from './embedding.entity';
import { GoalEntity } from './goal.entity';
import { ImagePromptEntity } from './image-prompt.entity';
import { OutfitEntity } from './outfit.entity';
import { PersonaEntity } from './persona.entity';
import { PoseEntity } from './pose.entity';
import { PostVersionEntity } from './post-version.entity';
import { PostEntity } from './post.entity';
import { PropEntity } from './prop.entity';
import { SceneEntity } from './scene.entity';
import { SentimentEntity } from './sentiment.entity';
import { SourceEntity } from './source.entity';
import { StoryEntryEntity } from './story-entry.entity';
import { StrategyEntity } from './strategy.entity';
import { VoiceProfileEntity } from './voice-profile.entity';

export {
  AudienceSegmentEntity,
  CalibratedVoiceEntity,
  ChapterEntity,
  CharacterEntity,
  EmbeddingEntity,
  GoalEntity,
  ImagePromptEntity,
  OutfitEntity,
  PersonaEntity,
  PoseEntity,
  PostEntity,
  PostVersionEntity,
  PropEntity,
  SceneEntity,
  SentimentEntity,
  SourceEntity,
  StoryEntryEntity,
  StrategyEntity,
  VoiceProfileEntity,
};
export { EMBEDDING_DIM } from './embedding.entity';

export const CONTENT_ENTITIES = [
  VoiceProfileEntity,
  StrategyEntity,
  ChapterEntity,
  StoryEntryEntity,
  GoalEntity,
  PostEntity,
  PostVersionEntity,
  PersonaEntity,
  SentimentEntity,
  CharacterEntity,
  SceneEntity,
  PoseEntity,
  OutfitEntity,
  PropEntity,
  ImagePromptEntity,
  SourceEntity,
  EmbeddingEntity,
  AudienceSegmentEntity,
  CalibratedVoiceEntity,
];

/** Postgres schema and DataSource name of the content service. */
export const CONTENT_SCHEMA = 'content';
export const CONTENT_DB = 'content';
