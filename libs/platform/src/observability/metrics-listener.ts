import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PLATFORM_CONFIG, PlatformConfig } from '../config/config';
import { MetricsService } from './metrics';

/**
 * Serves `GET /metrics` (Prometheus text) on its own port, METRICS_PORT, and nowhere else: the
 * scrape shows every route's counts and the runtime's details, so it stays off the API port the
 * ingress publishes. Unset, the process serves no metrics. A plain Node server: no guard, no rate
 * limit, no request logging (Prometheus polls from one address every few seconds).
 */
@Injectable()
export class MetricsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server?: Server;

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    private readonly metrics: MetricsService,
  ) {}

  /** The port metrics are served on (the real one when METRICS_PORT=0), or undefined when off. */
  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.METRICS_PORT === undefined) return;
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
        res
          .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
          .end('not found: metrics are at GET /metrics\n');
        return;
      }
      this.metrics.registry.metrics().then(
        (text) =>
          res
            .writeHead(200, { 'content-type': this.metrics.registry.contentType })
            .end(req.method === 'HEAD' ? undefined : text),
        (error: Error) => {
          this.logger.error(`collecting metrics: ${error.message}`);
          res.writeHead(500).end();
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.METRICS_PORT, this.config.HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
