/** What the standalone process and tools compose (`@postmagiq/billing`). */
export { BillingModule } from './billing.module';
export { BillingAppModule } from './billing-app.module';
/** The environment variables billing reads besides the platform's (checked against .env.example). */
export { billingEnv } from './config/billing.config';
/** Granting credit (benchmarks, operators' tools). */
export { AccountsService } from './accounts/accounts.service';
