import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import type { TokenPair } from '@postmagiq/contracts';
import { firstValueFrom } from 'rxjs';
import { authInterceptor } from './auth.interceptor';
import { SessionStore } from './session.store';

const user = {
  id: '3f1c7f5e-1111-4000-8000-000000000001',
  email: 'ada@example.com',
  name: 'Ada',
  role: 'user' as const,
  disabled: false,
  createdAt: '2026-12-01T00:00:00Z',
};
const workspace = {
  id: '3f1c7f5e-1111-4000-8000-000000000002',
  name: 'Ada',
  ownerId: user.id,
  createdAt: '2026-12-01T00:00:00Z',
};
const pair = (n: number, expiresIn = 900): TokenPair => ({
  accessToken: `access-${n}`,
  refreshToken: `refresh-token-number-${n}-xxxxxxxx`,
  tokenType: 'Bearer',
  expiresIn,
  user,
  workspace,
  workspaceRole: 'owner',
  scopes: ['content:read', 'content:write'],
});

describe('SessionStore and the auth interceptor', () => {
  let http: HttpClient;
  let backend: HttpTestingController;
  let session: SessionStore;
  let router: Router;

  beforeEach(() => {
    localStorage.clear();
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    http = TestBed.inject(HttpClient);
    backend = TestBed.inject(HttpTestingController);
    session = TestBed.inject(SessionStore);
    router = TestBed.inject(Router);
    jest.spyOn(router, 'navigate').mockResolvedValue(true);
  });

  afterEach(() => backend.verify());

  const flushMicrotasks = () => new Promise((r) => setTimeout(r, 0));

  it('sends the access token, and rotates the refresh token once for concurrent calls when it expires', async () => {
    session.adopt(pair(1));
    const first = firstValueFrom(http.get('/api/auth/me'));
    await flushMicrotasks();
    const me = backend.expectOne('/api/auth/me');
    expect(me.request.headers.get('Authorization')).toBe('Bearer access-1');
    me.flush({});
    backend.expectNone('/api/auth/refresh');
    await first;

    session.adopt(pair(2, 10)); // expires within the 30 s margin
    const a = firstValueFrom(http.get('/api/posts'));
    const b = firstValueFrom(http.get('/api/strategies'));
    await flushMicrotasks();
    const refresh = backend.expectOne('/api/auth/refresh');
    expect(refresh.request.body).toEqual({ refreshToken: pair(2).refreshToken });
    refresh.flush(pair(3));
    await flushMicrotasks();
    for (const url of ['/api/posts', '/api/strategies']) {
      const req = backend.expectOne(url);
      expect(req.request.headers.get('Authorization')).toBe('Bearer access-3');
      req.flush({});
    }
    await Promise.all([a, b]);
    expect(JSON.parse(localStorage.getItem('postmagiq.session') ?? '{}').pair.refreshToken).toBe(
      pair(3).refreshToken,
    );
  });

  it('retries a 401 once after a refresh', async () => {
    session.adopt(pair(1));
    const call = firstValueFrom(http.get<{ ok: boolean }>('/api/runs'));
    await flushMicrotasks();
    backend
      .expectOne('/api/runs')
      .flush({ type: 'x' }, { status: 401, statusText: 'Unauthorized' });
    await flushMicrotasks();
    backend.expectOne('/api/auth/refresh').flush(pair(2));
    await flushMicrotasks();
    const retried = backend.expectOne('/api/runs');
    expect(retried.request.headers.get('Authorization')).toBe('Bearer access-2');
    retried.flush({ ok: true });
    expect(await call).toEqual({ ok: true });
  });

  it('a reused refresh token ends the session and lands on sign-in saying why', async () => {
    session.adopt(pair(1, 5));
    const call = firstValueFrom(http.get('/api/runs')).catch((e: unknown) => e);
    await flushMicrotasks();
    backend
      .expectOne('/api/auth/refresh')
      .flush(
        {
          type: 'https://postmagiq.dev/problems/refresh-token-reused',
          title: 'Unauthorized',
          status: 401,
        },
        { status: 401, statusText: 'Unauthorized' },
      );
    await call;
    expect(session.signedIn()).toBe(false);
    expect(localStorage.getItem('postmagiq.session')).toBeNull();
    expect(router.navigate).toHaveBeenCalledWith(['/sign-in'], {
      queryParams: { reason: 'reused', returnUrl: '/' },
    });
    backend.expectNone('/api/runs');
  });

  it('a revoked session (any other refusal) says it expired', async () => {
    session.adopt(pair(1, 5));
    const call = firstValueFrom(http.get('/api/runs')).catch((e: unknown) => e);
    await flushMicrotasks();
    backend
      .expectOne('/api/auth/refresh')
      .flush(
        {
          type: 'https://postmagiq.dev/problems/token-invalid',
          title: 'Unauthorized',
          status: 401,
        },
        { status: 401, statusText: 'Unauthorized' },
      );
    await call;
    expect(router.navigate).toHaveBeenCalledWith(['/sign-in'], {
      queryParams: { reason: 'expired', returnUrl: '/' },
    });
  });

  it('never adds a token to the routes that hand one out', async () => {
    session.adopt(pair(1));
    const call = firstValueFrom(http.post('/api/auth/login', {}));
    const req = backend.expectOne('/api/auth/login');
    expect(req.request.headers.has('Authorization')).toBe(false);
    req.flush(pair(2));
    await call;
  });
});
