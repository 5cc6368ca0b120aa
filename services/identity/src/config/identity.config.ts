import { loadConfig, secret } from '@postmagiq/platform';
import { z } from 'zod';

/** Variables only identity reads (the platform's are read by PlatformModule). */
export const identityEnv = {
  /** Ed25519 private key (PKCS#8 PEM or JWK JSON). Unset = generated once under DATA_DIR/identity. */
  IDENTITY_SIGNING_KEY: secret(z.string().min(1).optional()),
  /** SMTP server for invites and password resets, e.g. smtp://user:pass@mail:587. Unset = mails are logged, not sent. */
  SMTP_URL: secret(z.url({ protocol: /^smtps?$/ }).optional()),
  MAIL_FROM: z.string().min(3).default('Postmagiq <no-reply@postmagiq.local>'),
  /** Where links in emails point (the console). */
  APP_BASE_URL: z.url().default('http://localhost:8080'),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  INVITE_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(72),
  PASSWORD_RESET_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(5)
    .max(24 * 60)
    .default(60),
  /** Demo account created on first start of the one-machine stack (empty = none). */
  DEMO_EMAIL: z.string().optional(),
  DEMO_PASSWORD: secret(z.string().optional()),
};

export type IdentityConfig = ReturnType<typeof loadIdentityConfig>;

export function loadIdentityConfig(env: NodeJS.ProcessEnv) {
  return loadConfig(identityEnv, env);
}

export const IDENTITY_CONFIG = Symbol('IDENTITY_CONFIG');
