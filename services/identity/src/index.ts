/** What the standalone process composes (future alias `@postmagiq/identity`). */
export { DemoAccountService } from './demo/demo-account';
export type { DemoAccount } from './demo/demo-account';
export { IdentityModule } from './identity.module';
export { IdentityAppModule } from './identity-app.module';
/** The environment variables identity reads besides the platform's (checked against .env.example). */
export { identityEnv } from './config/identity.config';
