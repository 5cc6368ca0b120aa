import { Injectable } from '@nestjs/common';
import type { MeResponse } from '@postmagiq/contracts';

const TTL_MS = 5000;
const MAX_ENTRIES = 10_000;

/**
 * `GET /auth/me` is the console's most frequent call. Its answer is cached per (user, workspace)
 * for 5 seconds, and dropped at once on this replica when identity changes what it shows. Safety
 * does not rest on this cache: a disabled user, a removed member or an ended session is refused by
 * the guard (Redis revocation keys) before the cache is read; at worst another replica shows a
 * renamed workspace's old name for 5 seconds.
 */
@Injectable()
export class MeCache {
  private readonly entries = new Map<string, { value: MeResponse; expires: number }>();

  get(userId: string, workspaceId: string): MeResponse | undefined {
    const key = `${userId}:${workspaceId}`;
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.expires < Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.value;
  }

  set(userId: string, workspaceId: string, value: MeResponse): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(`${userId}:${workspaceId}`, { value, expires: Date.now() + TTL_MS });
  }

  forgetUser(userId: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(`${userId}:`)) this.entries.delete(key);
  }

  forgetWorkspace(workspaceId: string): void {
    for (const key of this.entries.keys()) if (key.endsWith(`:${workspaceId}`)) this.entries.delete(key);
  }
}
