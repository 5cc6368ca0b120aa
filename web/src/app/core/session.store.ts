import { HttpBackend, HttpClient } from '@angular/common/http';
import { computed, inject, Injectable, signal } from '@angular/core';
import { Router } from '@angular/router';
import { Scope, TokenPair, TokenPairSchema } from '@postmagiq/contracts';
import { firstValueFrom } from 'rxjs';
import { ApiError, ProblemType, toApiError } from './problem';

const STORAGE_KEY = 'postmagiq.session';
/** Refresh this long before the access token expires, so a request never leaves with a stale one. */
const EXPIRY_MARGIN_MS = 30_000;

interface StoredSession {
  pair: TokenPair;
  /** Epoch ms at which the access token expires. */
  expiresAt: number;
}

/** Why the user lands on the sign-in page; shown there as a sentence. */
export type SignOutReason = 'reused' | 'expired' | 'signed-out';

export const SIGN_OUT_MESSAGES: Record<SignOutReason, string> = {
  reused:
    'Your session was ended because its refresh token was used twice (for example from another tab or device). Sign in again.',
  expired: 'Your session has expired or was revoked. Sign in again.',
  'signed-out': 'You are signed out.',
};

/**
 * The signed-in session: the token pair in localStorage, access token refreshed (and the refresh
 * token rotated) before it expires, one refresh at a time. A refresh the server refuses (reused or
 * revoked token) ends the session and sends the user to sign-in with the reason.
 */
@Injectable({ providedIn: 'root' })
export class SessionStore {
  private readonly router = inject(Router);
  /** Bypasses the interceptors: a refresh must never trigger another refresh. */
  private readonly raw = new HttpClient(inject(HttpBackend));
  private readonly state = signal<StoredSession | null>(load());
  private refreshing: Promise<string> | null = null;

  readonly session = computed(() => this.state()?.pair ?? null);
  readonly signedIn = computed(() => this.state() !== null);
  readonly user = computed(() => this.session()?.user ?? null);
  readonly workspace = computed(() => this.session()?.workspace ?? null);
  readonly role = computed(() => this.session()?.workspaceRole ?? null);
  readonly scopes = computed(() => new Set<Scope>(this.session()?.scopes ?? []));
  /** Editors and up: create, edit, start runs, decide approvals. */
  readonly canWrite = computed(() => this.scopes().has('content:write'));
  readonly canDelete = computed(() => this.scopes().has('content:delete'));

  /** Stores the pair answered by login, register, refresh, switch or invite accept. */
  adopt(pair: TokenPair): void {
    const stored: StoredSession = { pair, expiresAt: Date.now() + pair.expiresIn * 1000 };
    this.state.set(stored);
    save(stored);
  }

  can(scope: Scope): boolean {
    return this.scopes().has(scope);
  }

  /** A valid access token: the current one, or a fresh one when it is (nearly) expired. */
  async accessToken(): Promise<string | null> {
    const s = this.state();
    if (!s) return null;
    if (Date.now() < s.expiresAt - EXPIRY_MARGIN_MS) return s.pair.accessToken;
    return this.refresh();
  }

  /** Rotates the refresh token; concurrent callers share one request. */
  refresh(): Promise<string> {
    this.refreshing ??= this.doRefresh().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async doRefresh(): Promise<string> {
    const s = this.state();
    if (!s) throw new ApiError(401, 'signed-out', SIGN_OUT_MESSAGES['signed-out']);
    try {
      const body = await firstValueFrom(
        this.raw.post<unknown>('/api/auth/refresh', { refreshToken: s.pair.refreshToken }),
      );
      const pair = TokenPairSchema.parse(body);
      this.adopt(pair);
      return pair.accessToken;
    } catch (e) {
      const error = toApiError(e);
      if (error.status === 401 || error.status === 400) {
        this.end(error.type === ProblemType.refreshTokenReused ? 'reused' : 'expired');
      }
      throw error;
    }
  }

  /** Forgets the session and shows sign-in with the reason (and where to come back to). */
  end(reason: SignOutReason): void {
    this.clear();
    const returnUrl = this.router.url.startsWith('/sign-in') ? undefined : this.router.url;
    void this.router.navigate(['/sign-in'], { queryParams: { reason, returnUrl } });
  }

  clear(): void {
    this.state.set(null);
    try {
      localStorage.removeItem(STORAGE_KEY);
    } catch {
      /* storage unavailable (private mode): nothing to forget */
    }
  }
}

function load(): StoredSession | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as { pair?: unknown; expiresAt?: unknown };
    const pair = TokenPairSchema.safeParse(parsed.pair);
    if (!pair.success || typeof parsed.expiresAt !== 'number') return null;
    return { pair: pair.data, expiresAt: parsed.expiresAt };
  } catch {
    return null;
  }
}

function save(s: StoredSession): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(s));
  } catch {
    /* storage unavailable: the session lives until the tab closes */
  }
}
