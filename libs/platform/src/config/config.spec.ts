import { z } from 'zod';
import {
  ConfigError,
  describeConfig,
  loadConfig,
  loadPlatformConfig,
  platformEnv,
  secret,
} from './config';

describe('loadConfig', () => {
  it('applies defaults when variables are unset', () => {
    const config = loadPlatformConfig({});
    expect(config.PORT).toBe(8080);
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('names a malformed variable', () => {
    expect(() => loadPlatformConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    try {
      loadPlatformConfig({ REDIS_URL: 'http://nope' });
      fail('should throw');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).issues.map((i) => i.variable)).toEqual(['REDIS_URL']);
    }
  });

  it('names a missing required variable', () => {
    expect(() => loadConfig({ SMTP_URL: z.string().min(1) }, {})).toThrow(/SMTP_URL: is required/);
  });

  it('treats an empty string as unset', () => {
    expect(loadPlatformConfig({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it('redacts secrets when describing the configuration', () => {
    const shape = { KEY: secret(z.string()), NAME: z.string() };
    const config = loadConfig(shape, { KEY: 's3cr3t', NAME: 'x' });
    expect(describeConfig(shape, config)).toEqual({ KEY: '[redacted]', NAME: 'x' });
    const platform = loadPlatformConfig({ DATABASE_URL: 'postgres://u:p@h/db' });
    expect(describeConfig(platformEnv, platform)['DATABASE_URL']).toBe('[redacted]');
  });
});
