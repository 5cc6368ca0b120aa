import { Injectable } from '@nestjs/common';
import type { MeResponse } from '@postmagiq/contracts';

export const ME_CACHE_TTL_MS = 5000;
const TTL_MS = ME_CACHE_TTL_MS;
const MAX_ENTRIES = 10_000;

/**
 * `GET /auth/me` is the console's most frequent call. Its answer is cached per (user, workspace)
 * for 5 seconds, and dropped at once on this replica when identity changes what it shows. Safety
 * does not rest on this cache: a disabled user, a removed member or an ended session is refused by
 * the guard (Redis revocation keys) before the cache is read; at worst another replica shows a
 * renamed workspace's old name for 5 seconds.
 *
 * Concurrent misses for the same (user, workspace) share one database read, and a read that was
 * under way when this replica changed what it shows (`forget*`) is not cached.
 */
@Injectable()
export class MeCache {
  private readonly entries = new Map<string, { value: MeResponse; expires: number }>();
  private readonly loading = new Map<string, Promise<MeResponse>>();
  /** Bumped by every `forget*`: a load that started before it must not fill the cache. */
  private generation = 0;

  /** The clock (tests move it). */
  now: () => number = Date.now;

  /** The cached answer, or `load()`'s; one load at a time per (user, workspace). */
  getOrLoad(
    userId: string,
    workspaceId: string,
    load: () => Promise<MeResponse>,
  ): Promise<MeResponse> {
    const cached = this.get(userId, workspaceId);
    if (cached) return Promise.resolve(cached);
    const key = `${userId}:${workspaceId}`;
    const pending = this.loading.get(key);
    if (pending) return pending;
    const generation = this.generation;
    const promise = load()
      .then((value) => {
        if (this.generation === generation) this.set(userId, workspaceId, value);
        return value;
      })
      .finally(() => {
        if (this.loading.get(key) === promise) this.loading.delete(key);
      });
    this.loading.set(key, promise);
    return promise;
  }

  get(userId: string, workspaceId: string): MeResponse | undefined {
    const key = `${userId}:${workspaceId}`;
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.expires <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.value;
  }

  set(userId: string, workspaceId: string, value: MeResponse): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(`${userId}:${workspaceId}`, { value, expires: this.now() + TTL_MS });
  }

  forgetUser(userId: string): void {
    this.generation++;
    for (const map of [this.entries, this.loading])
      for (const key of map.keys()) if (key.startsWith(`${userId}:`)) map.delete(key);
  }

  forgetWorkspace(workspaceId: string): void {
    this.generation++;
    for (const map of [this.entries, this.loading])
      for (const key of map.keys()) if (key.endsWith(`:${workspaceId}`)) map.delete(key);
  }
}
