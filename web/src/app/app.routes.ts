import { Routes } from '@angular/router';
import { canWriteGuard, signedInGuard } from './core/guards';

/** Every page is its own lazy chunk; the public pages are the routes identity's mails point to. */
export const routes: Routes = [
  {
    path: 'sign-in',
    title: 'Sign in · Postmagiq',
    loadComponent: () => import('./auth/sign-in.page').then((m) => m.SignInPage),
  },
  {
    path: 'register',
    title: 'Create an account · Postmagiq',
    loadComponent: () => import('./auth/register.page').then((m) => m.RegisterPage),
  },
  {
    path: 'forgot-password',
    title: 'Reset your password · Postmagiq',
    loadComponent: () => import('./auth/forgot-password.page').then((m) => m.ForgotPasswordPage),
  },
  {
    path: 'reset-password',
    title: 'Choose a new password · Postmagiq',
    loadComponent: () => import('./auth/reset-password.page').then((m) => m.ResetPasswordPage),
  },
  {
    path: '',
    canActivate: [signedInGuard],
    loadComponent: () => import('./shell/shell.component').then((m) => m.ShellComponent),
    children: [
      {
        path: '',
        pathMatch: 'full',
        title: 'Dashboard · Postmagiq',
        loadComponent: () => import('./dashboard/dashboard.page').then((m) => m.DashboardPage),
      },
      {
        path: 'invites/accept',
        title: 'Accept an invite · Postmagiq',
        loadComponent: () => import('./auth/accept-invite.page').then((m) => m.AcceptInvitePage),
      },
      {
        path: 'strategies',
        title: 'Content strategy · Postmagiq',
        loadComponent: () => import('./strategy/strategies.page').then((m) => m.StrategiesPage),
      },
      {
        path: 'strategies/:id',
        title: 'Strategy · Postmagiq',
        loadComponent: () => import('./strategy/strategy.page').then((m) => m.StrategyPage),
      },
      {
        path: 'runs',
        title: 'Run history · Postmagiq',
        loadComponent: () => import('./runs/runs.page').then((m) => m.RunsPage),
      },
      {
        path: 'runs/new',
        title: 'Start a run · Postmagiq',
        canActivate: [canWriteGuard],
        loadComponent: () => import('./runs/start-run.page').then((m) => m.StartRunPage),
      },
      {
        path: 'runs/:id',
        title: 'Run · Postmagiq',
        loadComponent: () => import('./runs/run.page').then((m) => m.RunPage),
      },
      {
        path: 'posts',
        title: 'Posts · Postmagiq',
        loadComponent: () => import('./posts/posts.page').then((m) => m.PostsPage),
      },
      {
        path: 'posts/:id',
        title: 'Post · Postmagiq',
        loadComponent: () => import('./posts/post.page').then((m) => m.PostPage),
      },
      {
        path: 'voice',
        title: 'Voice profiles · Postmagiq',
        loadComponent: () => import('./voice/voice-profiles.page').then((m) => m.VoiceProfilesPage),
      },
      {
        path: 'voice/:id',
        title: 'Voice profile · Postmagiq',
        loadComponent: () => import('./voice/voice-profile.page').then((m) => m.VoiceProfilePage),
      },
      {
        path: '**',
        title: 'Not found · Postmagiq',
        loadComponent: () => import('./shell/not-found.page').then((m) => m.NotFoundPage),
      },
    ],
  },
];
