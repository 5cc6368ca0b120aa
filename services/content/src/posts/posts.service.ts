import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ContentPageQuery,
  CreatePostRequest,
  DEFAULT_VOICE_PROFILE,
  EDITABLE_POST_STATUSES,
  FINISHED_POST_STATUSES,
  FinishedPost,
  FinishedPostsQuery,
  Page,
  Post,
  POST_TRANSITIONS,
  PostLint,
  PostListQuery,
  PostStatus,
  PostVersion,
  RunFinishedEvent,
  SimilarPost,
  UpdatePostRequest,
} from '@postmagiq/contracts';
import { isUniqueViolation, Problems, RequestContext } from '@postmagiq/platform';
import { analysePostText, lintPost } from '@postmagiq/prompts';
import { randomUUID } from 'node:crypto';
import { Brackets, DataSource, EntityManager, In } from 'typeorm';
import { invalid, iso, isoOf } from '../common/http';
import { assertRef } from '../common/workspace-crud.service';
import {
  CONTENT_DB,
  ImagePromptEntity,
  PostEntity,
  PostVersionEntity,
  StoryEntryEntity,
  VoiceProfileEntity,
} from '../entities';
import { EmbeddingsService } from '../intelligence/embeddings.service';
import { indexItemOf } from '../intelligence/index-items';
import { StoryEntriesService } from '../strategy/story-entries.service';
import { voiceDistance } from '../voice/calibration';
import { exportFileName, toLinkedInText } from './linkedin-text';

/** The full-text expression, verbatim as in the `posts_search_idx` migration so the index applies. */
export const POST_SEARCH_VECTOR = `to_tsvector('english', (p.title || ' ') || p.content)`;

export function postDto(e: PostEntity): Post {
  return {
    id: e.id,
    title: e.title,
    content: e.content,
    status: e.status,
    platform: e.platform,
    storyEntryId: e.storyEntryId,
    voiceProfileId: e.voiceProfileId,
    currentVersion: e.currentVersion,
    wordCount: e.wordCount,
    publishedAt: iso(e.publishedAt),
    createdAt: isoOf(e.createdAt),
    updatedAt: isoOf(e.updatedAt),
  };
}

function versionDto(v: PostVersionEntity): PostVersion {
  return {
    id: v.id,
    postId: v.postId,
    number: v.number,
    content: v.content,
    source: v.source,
    createdBy: v.createdBy,
    runId: v.runId,
    workflow: v.workflow,
    note: v.note,
    createdAt: isoOf(v.createdAt),
  };
}

const wordCount = (text: string) => analysePostText(text).words.length;

export type RunOutcome = 'stored' | 'duplicate' | 'skipped';

/**
 * Posts and their versions. Every change of text is a new numbered version saying who or what
 * produced it; statuses move only along POST_TRANSITIONS; the text is frozen once a post is
 * approved. Each write is one transaction; the search index is refreshed after it commits.
 */
@Injectable()
export class PostsService {
  private readonly logger = new Logger('Posts');

  constructor(
    @InjectDataSource(CONTENT_DB) private readonly ds: DataSource,
    private readonly embeddings: EmbeddingsService,
    private readonly entries: StoryEntriesService,
  ) {}

  async list(ws: string, q: PostListQuery): Promise<Page<Post>> {
    const [rows, total] = await this.ds.getRepository(PostEntity).findAndCount({
      where: {
        workspaceId: ws,
        ...(q.status ? { status: q.status } : {}),
        ...(q.storyEntryId ? { storyEntryId: q.storyEntryId } : {}),
      },
      order: { updatedAt: 'DESC', id: 'ASC' },
      take: q.limit,
      skip: q.offset,
    });
    return { items: rows.map(postDto), total, limit: q.limit, offset: q.offset };
  }

  async get(ws: string, id: string): Promise<Post> {
    return postDto(await this.find(this.ds.manager, ws, id));
  }

  async create(ws: string, userId: string, body: CreatePostRequest): Promise<Post> {
    const post = await this.ds.transaction(async (m) => {
      let title = body.title;
      if (body.storyEntryId) {
        const entry = await m.findOne(StoryEntryEntity, {
          where: { id: body.storyEntryId, workspaceId: ws },
        });
        if (!entry) throw invalid('storyEntryId', 'not found in this workspace');
        title ??= entry.title || entry.topic;
        await this.entries.setStatusWith(m, ws, entry.id, 'drafting', ['planned']);
      }
      if (!title) throw invalid('title', 'is required unless the post comes from a story entry');
      await assertRef(m, VoiceProfileEntity, ws, body.voiceProfileId, 'voiceProfileId');
      const row = await m.save(
        PostEntity,
        m.create(PostEntity, {
          id: randomUUID(),
          workspaceId: ws,
          storyEntryId: body.storyEntryId,
          voiceProfileId: body.voiceProfileId,
          title,
          platform: body.platform,
          status: 'draft',
          content: '',
          currentVersion: 0,
          wordCount: 0,
          publishedAt: null,
        }),
      );
      if (body.content.trim() !== '')
        await this.addVersion(m, row, body.content, {
          source: 'human',
          createdBy: userId,
          note: 'first draft',
        });
      return row;
    });
    await this.embeddings.indexQuietly(indexItemOf.post(post));
    return postDto(post);
  }

  async update(ws: string, userId: string, id: string, body: UpdatePostRequest): Promise<Post> {
    let reindex = false;
    const post = await this.ds.transaction(async (m) => {
      const row = await this.find(m, ws, id, true);
      if (row.status === 'published' || row.status === 'archived')
        throw Problems.conflict(`a ${row.status} post cannot be changed`);
      const textChanges = body.content !== undefined && body.content !== row.content;
      if (textChanges && !EDITABLE_POST_STATUSES.includes(row.status)) {
        throw Problems.conflict(
          `the text of an ${row.status} post is frozen: move it back to draft to edit it`,
        );
      }
      if (body.voiceProfileId !== undefined)
        await assertRef(m, VoiceProfileEntity, ws, body.voiceProfileId, 'voiceProfileId');
      if (body.title !== undefined) row.title = body.title;
      if (body.voiceProfileId !== undefined) row.voiceProfileId = body.voiceProfileId;
      if (body.platform !== undefined) row.platform = body.platform;
      await m.save(PostEntity, row);
      if (textChanges)
        await this.addVersion(m, row, body.content as string, {
          source: 'human',
          createdBy: userId,
          note: body.note ?? '',
        });
      reindex = textChanges || body.title !== undefined;
      return row;
    });
    if (reindex) await this.embeddings.indexQuietly(indexItemOf.post(post));
    return postDto(post);
  }

  async transition(ws: string, id: string, to: PostStatus): Promise<Post> {
    const post = await this.ds.transaction(async (m) => {
      const row = await this.find(m, ws, id, true);
      const allowed = POST_TRANSITIONS[row.status];
      if (!allowed.includes(to)) {
        throw Problems.conflict(
          `a post cannot move from ${row.status} to ${to} (allowed: ${allowed.join(', ') || 'none'})`,
        );
      }
      if (
        (to === 'in_review' || to === 'approved' || to === 'published') &&
        row.currentVersion === 0
      ) {
        throw Problems.conflict('the post has no text yet');
      }
      row.status = to;
      if (to === 'published') row.publishedAt = new Date();
      await m.save(PostEntity, row);
      if (row.storyEntryId) {
        if (to === 'approved')
          await this.entries.setStatusWith(m, ws, row.storyEntryId, 'written', [
            'planned',
            'drafting',
          ]);
        if (to === 'published')
          await this.entries.setStatusWith(m, ws, row.storyEntryId, 'published', [
            'planned',
            'drafting',
            'written',
          ]);
      }
      return row;
    });
    return postDto(post);
  }

  async remove(ws: string, id: string): Promise<void> {
    await this.ds.transaction(async (m) => {
      await this.find(m, ws, id, true);
      await m.update(ImagePromptEntity, { workspaceId: ws, postId: id }, { postId: null });
      await this.embeddings.removeWith(m, ws, 'post', id);
      await m.delete(PostEntity, { id, workspaceId: ws });
    });
  }

  async versions(ws: string, id: string, page: ContentPageQuery): Promise<Page<PostVersion>> {
    await this.find(this.ds.manager, ws, id);
    const [rows, total] = await this.ds.getRepository(PostVersionEntity).findAndCount({
      where: { workspaceId: ws, postId: id },
      order: { number: 'DESC' },
      take: page.limit,
      skip: page.offset,
    });
    return { items: rows.map(versionDto), total, limit: page.limit, offset: page.offset };
  }

  async version(ws: string, id: string, number: number): Promise<PostVersion> {
    const v = await this.ds
      .getRepository(PostVersionEntity)
      .findOneBy({ workspaceId: ws, postId: id, number });
    if (!v) throw Problems.notFound('post version');
    return versionDto(v);
  }

  async exportText(ws: string, id: string): Promise<{ text: string; fileName: string }> {
    const post = await this.find(this.ds.manager, ws, id);
    return { text: toLinkedInText(post.content), fileName: exportFileName(post.title) };
  }

  async lint(ws: string, id: string): Promise<PostLint> {
    const post = await this.find(this.ds.manager, ws, id);
    const voice = post.voiceProfileId
      ? await this.ds
          .getRepository(VoiceProfileEntity)
          .findOneBy({ id: post.voiceProfileId, workspaceId: ws })
      : await this.ds
          .getRepository(VoiceProfileEntity)
          .findOneBy({ workspaceId: ws, isDefault: true });
    const findings = lintPost(post.content, { voice: voice ?? DEFAULT_VOICE_PROFILE });
    return {
      findings,
      errors: findings.filter((f) => f.severity === 'error').length,
      voice:
        voice?.calibration && post.content.trim()
          ? voiceDistance(voice.calibration, post.content)
          : null,
    };
  }

  async similar(ws: string, id: string, limit: number): Promise<SimilarPost[]> {
    await this.find(this.ds.manager, ws, id);
    const nearest = await this.embeddings.similarPosts(ws, id, limit);
    if (nearest.length === 0) return [];
    const posts = await this.ds
      .getRepository(PostEntity)
      .findBy({ workspaceId: ws, id: In(nearest.map((n) => n.sourceId)) });
    const byId = new Map(posts.map((p) => [p.id, p]));
    return nearest.flatMap((n) => {
      const p = byId.get(n.sourceId);
      return p
        ? [
            {
              post: { id: p.id, title: p.title, status: p.status },
              similarity: n.similarity,
              chunkText: n.chunkText,
            },
          ]
        : [];
    });
  }

  /** The finished-post library: approved, published and archived posts, filtered and searchable. */
  async finished(ws: string, q: FinishedPostsQuery): Promise<Page<FinishedPost>> {
    const qb = this.ds
      .getRepository(PostEntity)
      .createQueryBuilder('p')
      .where('p.workspace_id = :ws', { ws })
      .andWhere('p.status IN (:...statuses)', {
        statuses: q.status ? [q.status] : FINISHED_POST_STATUSES,
      });
    if (q.platform) qb.andWhere('p.platform = :platform', { platform: q.platform });
    if (q.storyEntryId)
      qb.andWhere('p.story_entry_id = :storyEntryId', { storyEntryId: q.storyEntryId });
    if (q.strategyId) {
      qb.andWhere(
        new Brackets((b) =>
          b.where(
            'p.story_entry_id IN (SELECT e.id FROM content.story_entries e WHERE e.workspace_id = :ws AND e.strategy_id = :strategyId)',
            {
              strategyId: q.strategyId,
            },
          ),
        ),
      );
    }
    if (q.from)
      qb.andWhere('coalesce(p.published_at, p.updated_at) >= :from::date', { from: q.from });
    if (q.to) qb.andWhere(`coalesce(p.published_at, p.updated_at) < (:to::date + 1)`, { to: q.to });
    if (q.q) {
      qb.andWhere(`${POST_SEARCH_VECTOR} @@ websearch_to_tsquery('english', :q)`, { q: q.q })
        .addSelect(`ts_rank(${POST_SEARCH_VECTOR}, websearch_to_tsquery('english', :q))`, 'rank')
        .addSelect(
          `ts_headline('english', p.content, websearch_to_tsquery('english', :q), 'StartSel=<<, StopSel=>>, MaxWords=30, MinWords=10, MaxFragments=1')`,
          'headline',
        )
        .orderBy('rank', 'DESC');
    } else {
      qb.orderBy('coalesce(p.published_at, p.updated_at)', 'DESC');
    }
    qb.addOrderBy('p.id', 'ASC');
    const total = await qb.clone().orderBy().getCount();
    const { entities, raw } = await qb
      .offset(q.offset)
      .limit(q.limit)
      .getRawAndEntities<{ rank?: number; headline?: string }>();
    return {
      items: entities.map((e, i) => ({
        ...postDto(e),
        rank: q.q ? Number(raw[i]?.rank ?? 0) : null,
        headline: q.q ? (raw[i]?.headline ?? null) : null,
      })),
      total,
      limit: q.limit,
      offset: q.offset,
    };
  }

  /**
   * A finished run's post, stored as a new version of its story's open post (a draft or in-review
   * post; a new draft when there is none). Idempotent by run id: the unique `run_id` of versions
   * makes a second delivery a no-op, even when two deliveries race.
   */
  async storeRunOutput(ev: RunFinishedEvent): Promise<RunOutcome> {
    const text = ev.finalPost?.trim() ? ev.finalPost : null;
    if (ev.status !== 'completed' || text === null) return 'skipped';
    let post: PostEntity | undefined;
    try {
      post = await this.ds.transaction(async (m) => {
        if (await m.exists(PostVersionEntity, { where: { runId: ev.runId } })) return undefined;
        const entry = await m.findOne(StoryEntryEntity, {
          where: { id: ev.storyEntryId, workspaceId: ev.workspaceId },
        });
        let row = entry
          ? await m.findOne(PostEntity, {
              where: {
                workspaceId: ev.workspaceId,
                storyEntryId: entry.id,
                status: In(EDITABLE_POST_STATUSES as PostStatus[]),
              },
              order: { updatedAt: 'DESC' },
              lock: { mode: 'pessimistic_write' },
            })
          : null;
        row ??= await m.save(
          PostEntity,
          m.create(PostEntity, {
            id: randomUUID(),
            workspaceId: ev.workspaceId,
            storyEntryId: entry?.id ?? null,
            voiceProfileId: null,
            title: entry
              ? entry.title || entry.topic
              : `${ev.workflow} run ${ev.runId.slice(0, 8)}`,
            platform: 'linkedin',
            status: 'draft',
            content: '',
            currentVersion: 0,
            wordCount: 0,
            publishedAt: null,
          }),
        );
        await this.addVersion(m, row, text, {
          source: 'workflow',
          createdBy: RequestContext.get()?.userId ?? null,
          runId: ev.runId,
          workflow: ev.workflow,
          note: `${ev.workflow} run ${ev.runId}`,
        });
        if (entry)
          await this.entries.setStatusWith(m, ev.workspaceId, entry.id, 'written', [
            'planned',
            'drafting',
          ]);
        return row;
      });
    } catch (e) {
      if (isUniqueViolation(e, 'post_versions_run_id_key')) return 'duplicate';
      throw e;
    }
    if (!post) return 'duplicate';
    this.logger.log(`run ${ev.runId}: stored as version ${post.currentVersion} of post ${post.id}`);
    await this.embeddings.indexQuietly(indexItemOf.post(post));
    return 'stored';
  }

  private async addVersion(
    m: EntityManager,
    post: PostEntity,
    content: string,
    o: {
      source: 'human' | 'workflow';
      createdBy: string | null;
      note: string;
      runId?: string;
      workflow?: string;
    },
  ): Promise<void> {
    const number = post.currentVersion + 1;
    await m.insert(PostVersionEntity, {
      id: randomUUID(),
      workspaceId: post.workspaceId,
      postId: post.id,
      number,
      content,
      source: o.source,
      createdBy: o.createdBy,
      runId: o.runId ?? null,
      workflow: o.workflow ?? null,
      note: o.note,
    });
    post.content = content;
    post.currentVersion = number;
    post.wordCount = wordCount(content);
    await m.update(
      PostEntity,
      { id: post.id },
      { content, currentVersion: number, wordCount: post.wordCount },
    );
  }

  private async find(m: EntityManager, ws: string, id: string, lock = false): Promise<PostEntity> {
    const p = await m.findOne(PostEntity, {
      where: { id, workspaceId: ws },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!p) throw Problems.notFound('post');
    return p;
  }
}
