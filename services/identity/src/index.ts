/** What the standalone process composes (future alias `@postmagiq/identity`). */
export { DemoAccountService } from './demo/demo-account';
export type { DemoAccount } from './demo/demo-account';
export { IdentityModule } from './identity.module';
export { IdentityAppModule } from './identity-app.module';
