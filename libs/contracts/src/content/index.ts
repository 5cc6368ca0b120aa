export * from './run-context.schema';
export * from './page.dto';
export * from './voice-profile.dto';
export * from './strategy.dto';
export * from './post.dto';
export * from './persona.dto';
export * from './visual-asset.dto';
export * from './intelligence.dto';
