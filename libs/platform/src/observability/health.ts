import { Controller, Get, Injectable, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public, Unlimited } from '../auth/decorators';

export type HealthCheck = () => Promise<unknown>;

/** Dependencies register their readiness probe here (database per service, Redis, NATS). */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();

  register(name: string, check: HealthCheck): void {
    this.checks.set(name, check);
  }

  async run(timeoutMs = 2000): Promise<{ ok: boolean; checks: Record<string, { ok: boolean; error?: string }> }> {
    const entries = [...this.checks.entries()];
    const results = await Promise.all(
      entries.map(async ([name, check]) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            check(),
            new Promise((_, fail) => {
              timer = setTimeout(() => fail(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
            }),
          ]);
          return [name, { ok: true }] as const;
        } catch (e) {
          return [name, { ok: false, error: (e as Error).message }] as const;
        } finally {
          if (timer) clearTimeout(timer);
        }
      }),
    );
    const checks = Object.fromEntries(results);
    return { ok: results.every(([, r]) => r.ok), checks };
  }
}

@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(private readonly registry: HealthRegistry) {}

  @Public()
  @Unlimited()
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 200 only when every registered dependency answers; 503 naming the failing ones otherwise. */
  @Public()
  @Unlimited()
  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response): Promise<unknown> {
    const result = await this.registry.run();
    res.status(result.ok ? 200 : 503);
    return { status: result.ok ? 'ok' : 'unavailable', checks: result.checks };
  }
}
