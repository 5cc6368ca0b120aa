/** What the standalone process composes (future alias `@postmagiq/content`). */
export { ContentModule } from './content.module';
