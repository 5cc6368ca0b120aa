/** What the standalone process composes (future alias `@postmagiq/content`). */
export { ContentModule } from './content.module';
/** The environment variables content reads besides the platform's (checked against .env.example). */
export { contentEnv } from './config/content.config';
