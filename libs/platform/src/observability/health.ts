import { Controller, Get, Injectable, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public, Unlimited } from '../auth/decorators';

export type HealthCheck = () => Promise<unknown>;

export type HealthReport = { ok: boolean; checks: Record<string, { ok: boolean; error?: string }> };

/** How long a readiness answer is reused: probes are unlimited, so a flood must not reach the dependencies. */
export const READINESS_CACHE_MS = 1000;

/** Dependencies register their readiness probe here (database per service, Redis, NATS). */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();
  private latest?: { report: Promise<HealthReport>; atMs: number };

  register(name: string, check: HealthCheck): void {
    this.checks.set(name, check);
  }

  /**
   * The readiness report, shared: requests arriving while a check runs, or within
   * READINESS_CACHE_MS of its answer, get that same answer.
   */
  report(): Promise<HealthReport> {
    const now = Date.now();
    if (!this.latest || now - this.latest.atMs > READINESS_CACHE_MS) {
      const report = this.run();
      this.latest = { report, atMs: now };
      // the cache window starts when the answer is known
      void report.then(() => this.latest?.report === report && (this.latest.atMs = Date.now()));
    }
    return this.latest.report;
  }

  async run(timeoutMs = 2000): Promise<HealthReport> {
    const entries = [...this.checks.entries()];
    const results = await Promise.all(
      entries.map(async ([name, check]) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            check(),
            new Promise((_, fail) => {
              timer = setTimeout(
                () => fail(new Error(`timed out after ${timeoutMs} ms`)),
                timeoutMs,
              );
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
    const result = await this.registry.report();
    res.status(result.ok ? 200 : 503);
    return { status: result.ok ? 'ok' : 'unavailable', checks: result.checks };
  }
}
