import { RunDetailSchema } from '@postmagiq/contracts';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AxeFinding,
  launch,
  screenshotDir,
  seriousViolations,
  userContext,
  watchErrors,
} from './support/browser';
import { ConsoleStack, lastMailLink, startConsoleStack } from './support/stack';

const PASSWORD = 'correct horse battery';
const unique = Date.now().toString(36);
const owner = { name: 'Olivia Owner', email: `owner-${unique}@example.com` };
const viewer = { name: 'Victor Viewer', email: `viewer-${unique}@example.com` };
const stranger = { name: 'Sam Stranger', email: `stranger-${unique}@example.com` };

/** Write actions a viewer must never be offered (buttons or links). */
const WRITE_ACTIONS =
  /^(Create|Add|Write this|Approve|Reject|Edit|Archive|Unarchive|Delete|Cancel run|Resume|Extend|Move to|Start the run|Save)/;

describe('the console in a real browser against the one-machine stack', () => {
  let stack: ConsoleStack;
  let browser: Browser;
  let ownerCtx: BrowserContext;
  let ownerPage: Page;
  let pageErrors: string[];
  const axe: AxeFinding[] = [];
  const checked = new Set<string>();
  /** Pages to screenshot, as the owner sees them. */
  const pages = new Map<string, string>();
  const ids = { strategy: '', entry: '', run: '', post: '', voice: '' };

  async function check(page: Page, label: string): Promise<void> {
    await page.waitForLoadState('networkidle');
    await page.waitForFunction(() => !document.body.innerText.includes('Loading…'));
    axe.push(...(await seriousViolations(page, label)));
    checked.add(label);
  }

  const token = (page: Page) =>
    page.evaluate(
      () =>
        (
          JSON.parse(localStorage.getItem('postmagiq.session') ?? '{}') as {
            pair: { accessToken: string };
          }
        ).pair.accessToken,
    );

  async function api<T>(
    page: Page,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const res = await fetch(`${stack.url}/api${path}`, {
      method,
      headers: { authorization: `Bearer ${await token(page)}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }

  async function register(
    page: Page,
    who: { name: string; email: string },
    returnUrl?: string,
  ): Promise<void> {
    await page.goto(
      `${stack.url}/register${returnUrl ? `?returnUrl=${encodeURIComponent(returnUrl)}` : ''}`,
    );
    await page.getByLabel('Your name').fill(who.name);
    await page.getByLabel('Email').fill(who.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/register'));
  }

  async function startRun(page: Page): Promise<string> {
    await page.goto(`${stack.url}/runs/new?entry=${ids.entry}`);
    await page.getByRole('button', { name: 'Start the run' }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    return page.url().split('/').pop() as string;
  }

  const approval = (page: Page) => page.getByTestId('approval');
  const nav = (page: Page, name: string) =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

  beforeAll(async () => {
    stack = await startConsoleStack();
    browser = await launch();
    ownerCtx = await userContext(browser);
    ownerPage = await ownerCtx.newPage();
    pageErrors = watchErrors(ownerPage);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  it('signs up, plans a strategy, chapter and entry, watches a run stream to approval, approves, and finds the post with its cost', async () => {
    const page = ownerPage;
    await page.goto(`${stack.url}/`);
    await page.waitForURL(/\/sign-in/);
    await check(page, 'sign in');
    pages.set('sign-in', '/sign-in');
    await page.getByRole('link', { name: 'Create an account' }).click();
    await check(page, 'register');
    pages.set('register', '/register');
    await register(page, owner);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await check(page, 'dashboard (empty)');

    await nav(page, 'Strategy').click();
    await page.getByRole('heading', { name: 'Content strategy' }).waitFor();
    await check(page, 'strategies (empty)');
    await page.getByLabel('Name').fill('Build in public');
    await page.getByLabel('Thesis').fill('Shipping small and often beats the big reveal.');
    await page.getByRole('button', { name: 'Create strategy' }).click();
    await page.waitForURL(/\/strategies\/[0-9a-f-]{36}$/);
    ids.strategy = page.url().split('/').pop() as string;

    await page.getByLabel('Theme').fill('Hiring the first engineer');
    await page.getByRole('button', { name: 'Add chapter' }).click();
    await page.getByTestId('chapter').first().waitFor();
    await page.getByLabel('Topic').fill('The offer we lost to a bigger company');
    await page
      .getByLabel('The story (what happened, notes)')
      .fill(
        'We lost our best candidate to a bigger company. We learned that speed and honesty win over salary.',
      );
    await page.getByRole('button', { name: 'Add story entry' }).click();
    await page.getByTestId('entry').first().waitFor();
    await check(page, 'strategy');
    pages.set('strategy', `/strategies/${ids.strategy}`);
    pages.set('strategies', '/strategies');

    await page.getByRole('link', { name: 'Write this' }).first().click();
    await page.waitForURL(/\/runs\/new\?entry=/);
    ids.entry = new URL(page.url()).searchParams.get('entry') as string;
    await page.getByText('The offer we lost to a bigger company').waitFor();
    await check(page, 'start a run');
    pages.set('start-run', `/runs/new?entry=${ids.entry}`);
    await page.getByRole('button', { name: 'Start the run' }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    ids.run = page.url().split('/').pop() as string;

    await page.getByTestId('workflow-graph').waitFor();
    await approval(page).waitFor({ timeout: 90_000 });
    // the live view saw the agents stream and the graph reached the approval state
    const panes = page.locator('pre[data-agent]');
    expect(await panes.count()).toBeGreaterThanOrEqual(3);
    expect((await panes.first().innerText()).length).toBeGreaterThan(20);
    expect(await page.locator('g.node.current').getAttribute('data-state')).toBe('review');
    expect(
      Number(await page.locator('g.node[data-state="draft"]').getAttribute('data-visits')),
    ).toBe(1);
    await check(page, 'run (awaiting approval)');

    const awaitingPost = await approval(page).locator('pre').innerText();
    await approval(page).getByRole('button', { name: 'Approve', exact: true }).click();
    await page.getByTestId('final-post').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('run-status').innerText()).toBe('completed');
    expect(await page.getByTestId('final-post').innerText()).toBe(awaitingPost);
    expect(await page.getByTestId('run-cost').innerText()).toMatch(/^\$\d+\.\d{2}/);
    await check(page, 'run (completed)');
    pages.set('run', `/runs/${ids.run}`);

    // the run's text is stored as a draft version of the story's post (content's rule); the
    // writer moves it through review to approved, which puts it in the finished-post library
    await page.getByTestId('open-post').click();
    await page.waitForURL(/\/posts\/[0-9a-f-]{36}$/);
    ids.post = page.url().split('/').pop() as string;
    await page.getByRole('button', { name: 'Move to in review' }).click();
    await page.getByRole('button', { name: 'Move to approved' }).click();
    await page.locator('.status.approved').first().waitFor();
    await nav(page, 'Posts').click();
    const row = page.getByTestId('finished-posts').locator('tr', { hasText: 'offer we lost' });
    await row.waitFor({ timeout: 30_000 });
    expect(await row.getByTestId('post-cost').innerText()).toMatch(/^\$\d+\.\d{2}/);
    await check(page, 'posts');
    pages.set('posts', '/posts');
    await row.getByRole('link').click();
    await page.waitForURL(`${stack.url}/posts/${ids.post}`);
    await page.getByTestId('preview-mobile').waitFor();
    expect(await page.getByTestId('char-counter').innerText()).toMatch(/^\d+ \/ 3000 characters/);
    await check(page, 'post');
    pages.set('post', `/posts/${ids.post}`);

    await page.goto(`${stack.url}/runs`);
    await page
      .getByRole('link', { name: /linkedin_post/ })
      .first()
      .waitFor();
    await check(page, 'runs');
    pages.set('runs', '/runs');
    await page.goto(`${stack.url}/`);
    await page
      .getByRole('link', { name: /linkedin_post/ })
      .first()
      .waitFor();
    await check(page, 'dashboard');
    pages.set('dashboard', '/');

    await nav(page, 'Voice').click();
    await page.getByLabel('Name').fill('Plain and direct');
    await page.getByLabel('Tone (one word or phrase per line)').fill('direct\nwarm');
    await page
      .getByLabel('Example posts (separate posts with a line holding only ---)')
      .fill(
        'We shipped on Friday. Nobody noticed. That was the point.\n---\nI asked my team one question this week. Why do we wait?',
      );
    await page.getByRole('button', { name: 'Create voice profile' }).click();
    await page.waitForURL(/\/voice\/[0-9a-f-]{36}$/);
    ids.voice = page.url().split('/').pop() as string;
    await page
      .getByRole('textbox', { name: 'Draft' })
      .fill(
        'In today’s fast-paced world, we must leverage synergy! Do you agree? #growth #hiring #ai #work',
      );
    await page.getByRole('button', { name: 'Measure' }).click();
    await page.getByTestId('voice-distance').waitFor();
    await check(page, 'voice profile');
    pages.set('voice-profile', `/voice/${ids.voice}`);
    await page.goto(`${stack.url}/voice`);
    await page.getByRole('link', { name: 'Plain and direct' }).waitFor();
    await check(page, 'voice profiles');
    pages.set('voice', '/voice');
  });

  it('rejecting with feedback loops back to the synthesizer and asks again', async () => {
    const page = ownerPage;
    const runId = await startRun(page);
    await approval(page).waitFor({ timeout: 90_000 });
    await approval(page).getByRole('button', { name: 'Reject with feedback' }).click();
    await page.getByRole('button', { name: 'Send back with feedback' }).click();
    // empty feedback is refused next to the field, before any request
    await page.getByText('required').waitFor();
    await page
      .getByLabel('What should change?')
      .fill('Open with the lost candidate, not with the lesson.');
    await page.getByRole('button', { name: 'Send back with feedback' }).click();
    await page.waitForFunction(
      () =>
        document.querySelector('g.node[data-state="synthesize"]')?.getAttribute('data-visits') ===
        '2',
      null,
      {
        timeout: 60_000,
      },
    );
    await approval(page).waitFor({ timeout: 60_000 });
    expect(await page.locator('g.node[data-state="review"]').getAttribute('data-visits')).toBe('2');
    expect(await page.locator('path.edge.back.taken').count()).toBeGreaterThanOrEqual(1);
    const detail = RunDetailSchema.parse((await api(page, 'GET', `/workflows/runs/${runId}`)).body);
    expect(detail.visits.filter((v) => v.state === 'synthesize')).toHaveLength(2);
    await approval(page).getByRole('button', { name: 'Approve', exact: true }).click();
    await page.getByTestId('final-post').waitFor({ timeout: 30_000 });
  });

  it('a reconnect mid-run shows every event and state exactly once', async () => {
    const page = ownerPage;
    const runId = await startRun(page);
    const reconnect = page.getByRole('button', { name: 'Reconnect the live stream' });
    let drops = 0;
    while (!(await approval(page).isVisible())) {
      if (drops < 4 && (await reconnect.isVisible())) {
        await reconnect.click();
        drops++;
      }
      await page.waitForTimeout(300);
    }
    expect(drops).toBeGreaterThan(0);
    await page.getByTestId('connection').filter({ hasText: 'reconnect' }).waitFor();
    const detail = RunDetailSchema.parse((await api(page, 'GET', `/workflows/runs/${runId}`)).body);
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="event-log"] li').length >= n,
      detail.lastEventSeq,
    );
    const seqs = await page
      .locator('[data-testid="event-log"] li')
      .evaluateAll((lis) => lis.map((li) => Number(li.getAttribute('data-seq'))));
    expect(seqs).toEqual(Array.from({ length: detail.lastEventSeq }, (_, i) => i + 1));
    const entered = await page
      .locator('[data-testid="event-log"] li[data-type="state.entered"]')
      .evaluateAll((lis) => lis.map((li) => li.textContent?.replace(/\s+/g, ' ').trim()));
    expect(entered).toHaveLength(detail.visits.length);
    expect(new Set(entered).size).toBe(entered.length);
    // cancel: the run ends as cancelled and the page says so
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page
      .getByTestId('run-status')
      .filter({ hasText: 'cancelled' })
      .waitFor({ timeout: 30_000 });
  });

  it('a viewer sees no write action anywhere', async () => {
    const workspaceId = await ownerPage.evaluate(
      () =>
        (
          JSON.parse(localStorage.getItem('postmagiq.session') ?? '{}') as {
            pair: { workspace: { id: string } };
          }
        ).pair.workspace.id,
    );
    const invite = await api(ownerPage, 'POST', `/workspaces/${workspaceId}/invites`, {
      email: viewer.email,
      role: 'viewer',
    });
    expect(invite.status).toBe(201);
    let link: string | null = null;
    for (let i = 0; i < 50 && !link; i++) {
      link = lastMailLink(stack.logFile, '/invites/accept');
      if (!link) await new Promise((r) => setTimeout(r, 200));
    }
    expect(link).not.toBeNull();
    const acceptPath = new URL(link as string).pathname + new URL(link as string).search;

    const ctx = await userContext(browser);
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await register(page, viewer, acceptPath);
    await page.waitForURL(/\/invites\/accept/);
    await check(page, 'accept invite');
    await page.getByRole('button', { name: 'Join the workspace' }).click();
    await page.waitForURL(`${stack.url}/`);
    await page.getByTestId('workspace-switcher').waitFor();
    expect(await page.locator('.role').innerText()).toBe('viewer');

    for (const path of [
      '/',
      '/strategies',
      `/strategies/${ids.strategy}`,
      `/runs/${ids.run}`,
      '/runs',
      '/posts',
      `/posts/${ids.post}`,
      '/voice',
      `/voice/${ids.voice}`,
    ]) {
      await page.goto(`${stack.url}${path}`);
      await page.waitForLoadState('networkidle');
      await page.waitForFunction(() => !document.body.innerText.includes('Loading…'));
      const labels = await page
        .locator('main button, main a')
        .evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));
      expect({ path, offered: labels.filter((l) => WRITE_ACTIONS.test(l)) }).toEqual({
        path,
        offered: [],
      });
    }
    await check(page, 'run (as a viewer)');
    await page.goto(`${stack.url}/runs/new?entry=${ids.entry}`);
    await page.waitForURL(`${stack.url}/`);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it("another workspace's run URL shows not found", async () => {
    const ctx = await userContext(browser);
    const page = await ctx.newPage();
    await register(page, stranger);
    await page.goto(`${stack.url}/runs/${ids.run}`);
    await page.getByTestId('run-not-found').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Run not found');
    await check(page, 'run not found');
    await page.goto(`${stack.url}/posts/${ids.post}`);
    await page.getByRole('heading', { name: 'Post not found' }).waitFor();
    await ctx.close();
  });

  it('screenshots every page, light and dark, at 1280 and 390 px', async () => {
    const dir = screenshotDir();
    const state = await ownerCtx.storageState();
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const width of [1280, 390]) {
        const options = {
          viewport: { width, height: 900 },
          colorScheme,
          reducedMotion: 'reduce' as const,
        };
        const signedIn = await browser.newContext({ ...options, storageState: state });
        const signedOut = await browser.newContext(options);
        for (const [name, path] of pages) {
          const page = await (
            name === 'sign-in' || name === 'register' ? signedOut : signedIn
          ).newPage();
          await page.goto(`${stack.url}${path}`);
          await page.waitForLoadState('networkidle');
          await page.waitForFunction(() => !document.body.innerText.includes('Loading…'));
          if (width === 1280 && colorScheme === 'dark')
            axe.push(...(await seriousViolations(page, `${name} (dark)`)));
          await page.screenshot({
            path: join(dir, `${name}-${colorScheme}-${width}.png`),
            fullPage: true,
          });
          await page.close();
        }
        await signedIn.close();
        await signedOut.close();
      }
    }
    writeFileSync(
      join(dir, 'axe.json'),
      JSON.stringify({ checked: [...checked], violations: axe }, null, 2),
    );
    process.stdout.write(`\nConsole screenshots (light/dark, 1280/390 px): ${dir}\n`);
  });

  it('ends the session on sign-in with a message when its refresh token is reused', async () => {
    const page = ownerPage;
    const session = await page.evaluate(
      () =>
        JSON.parse(localStorage.getItem('postmagiq.session') ?? '{}') as {
          pair: { refreshToken: string };
        },
    );
    // someone else rotates the browser's refresh token first (a stolen copy)
    const stolen = await fetch(`${stack.url}/api/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: session.pair.refreshToken }),
    });
    expect(stolen.status).toBe(200);
    // the browser's access token expires: its refresh presents the already-used token
    await page.evaluate(() => {
      const s = JSON.parse(localStorage.getItem('postmagiq.session') ?? '{}') as {
        expiresAt: number;
      };
      s.expiresAt = Date.now() - 1000;
      localStorage.setItem('postmagiq.session', JSON.stringify(s));
    });
    await page.goto(`${stack.url}/runs`);
    await page.waitForURL(/\/sign-in\?.*reason=reused/);
    expect(await page.getByTestId('sign-in-notice').innerText()).toContain('used twice');
  });

  it('resets a forgotten password from the mailed link', async () => {
    const page = ownerPage;
    await page.goto(`${stack.url}/forgot-password`);
    await check(page, 'forgot password');
    await page.getByLabel('Email').fill(owner.email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.getByText('a link to choose a new password is on its way').waitFor();
    let link: string | null = null;
    for (let i = 0; i < 50 && !link; i++) {
      link = lastMailLink(stack.logFile, '/reset-password');
      if (!link) await new Promise((r) => setTimeout(r, 200));
    }
    expect(link).not.toBeNull();
    const url = new URL(link as string);
    await page.goto(`${stack.url}${url.pathname}${url.search}`);
    await check(page, 'reset password');
    await page.getByLabel('New password').fill('a brand new password');
    await page.getByLabel('Repeat it').fill('a brand new password');
    await page.getByRole('button', { name: 'Set the password' }).click();
    await page.getByRole('link', { name: 'Sign in with the new password' }).click();
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill('a brand new password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${stack.url}/`);
  });

  it('has no serious or critical accessibility violation on any page', () => {
    expect(checked.size).toBeGreaterThanOrEqual(14);
    expect(axe).toEqual([]);
  });
});
