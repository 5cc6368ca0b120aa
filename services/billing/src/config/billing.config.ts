import { ConfigError, loadConfig, secret } from '@postmagiq/platform';
import { z } from 'zod';

const micros = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Variables only billing reads (the platform's are read by PlatformModule). */
export const billingEnv = {
  /**
   * Stripe's secret key. Unset (the default of `npm start` and of self-hosted installs), billing is
   * unmetered: no run is refused, and every run's usage and cost is still recorded.
   */
  STRIPE_SECRET_KEY: secret(z.string().min(1).optional()),
  /** Signing secret of the Stripe webhook endpoint (`whsec_…`); required with STRIPE_SECRET_KEY. */
  STRIPE_WEBHOOK_SECRET: secret(z.string().min(1).optional()),
  /** The console's address: Stripe Checkout and the Customer Portal send the user back to `<it>/billing`. */
  APP_BASE_URL: z.url().default('http://localhost:8080'),
  /** Overdraft limit of a new account: how far below zero a hold may take the balance. */
  BILLING_DEFAULT_OVERDRAFT_MICROS: micros.default(0),
  /** Credit a new workspace starts with (a `promotion` grant), metered mode only. */
  BILLING_SIGNUP_CREDIT_MICROS: micros.default(0),
  /** A hold whose run never reported its end is settled by the sweep after this. */
  BILLING_HOLD_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(24 * 60),
  /** How often the reconciliation sweep runs. */
  BILLING_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(60_000),
  /** Usage events ingested per database transaction (one JetStream pull). */
  BILLING_INGEST_BATCH: z.coerce.number().int().min(1).max(1_000).default(256),
};

export type BillingConfig = ReturnType<typeof loadBillingConfig>;

export function loadBillingConfig(env: NodeJS.ProcessEnv) {
  const config = loadConfig(billingEnv, env);
  if (config.STRIPE_SECRET_KEY && !config.STRIPE_WEBHOOK_SECRET)
    throw new ConfigError([
      { variable: 'STRIPE_WEBHOOK_SECRET', message: 'is required when STRIPE_SECRET_KEY is set' },
    ]);
  return { ...config, metered: config.STRIPE_SECRET_KEY !== undefined };
}

export const BILLING_CONFIG = Symbol('BILLING_CONFIG');
