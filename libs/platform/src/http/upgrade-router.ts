import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { refuseUpgrade } from './upgrade-response';

/** A path served by upgrading the connection (a WebSocket endpoint). */
export interface UpgradeRoute {
  /** For logs. */
  name: string;
  /**
   * Whether this route owns the path (the URL's path, without the query). Match the path's shape
   * broadly (`/runs/<anything>/stream`) and refuse a malformed part in `handle` with a 400.
   */
  matches(pathname: string): boolean;
  /**
   * Takes the socket over: upgrade it, or refuse with `refuseUpgrade`. A socket left idle for
   * the handshake deadline before it is upgraded is destroyed (`ws` clears the socket's timeout
   * when its handshake completes).
   */
  handle(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

export const UPGRADE_HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * The one listener of the HTTP server's 'upgrade' event. Once any listener exists, Node hands it
 * every request carrying `Connection: Upgrade` (a WebSocket, `h2c`, anything) and neither answers
 * nor closes the socket itself, so a route that ignores a request it does not own leaks the
 * connection for good. Here every upgrade is either claimed by exactly one registered route or
 * answered 404 and closed; socket errors are handled; a handshake left idle is cut. Gateways register their route instead of listening to the server themselves.
 */
export class UpgradeDispatcher {
  private readonly routes: UpgradeRoute[] = [];
  private server?: Server;
  private readonly listener = (req: IncomingMessage, socket: Duplex, head: Buffer) =>
    this.dispatch(req, socket, head);

  constructor(
    private readonly handshakeTimeoutMs = UPGRADE_HANDSHAKE_TIMEOUT_MS,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  register(route: UpgradeRoute): () => void {
    this.routes.push(route);
    return () => {
      const i = this.routes.indexOf(route);
      if (i >= 0) this.routes.splice(i, 1);
    };
  }

  attach(server: Server): void {
    if (this.server === server) return;
    this.detach();
    this.server = server;
    server.on('upgrade', this.listener);
  }

  detach(): void {
    this.server?.off('upgrade', this.listener);
    this.server = undefined;
  }

  private dispatch(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Node removes its own socket error handler on upgrade: without one, a reset would crash
    socket.on('error', () => socket.destroy());
    // An idle deadline for the handshake. `ws` sets the socket's timeout to 0 as its handshake
    // completes, so an upgraded socket lives on; one left hanging before that is destroyed.
    if (socket instanceof Socket) {
      socket.setTimeout(this.handshakeTimeoutMs);
      socket.once('timeout', () => socket.destroy());
    }
    const pathname = pathOf(req.url);
    const route = pathname === null ? undefined : this.routes.find((r) => r.matches(pathname));
    if (!route) {
      refuseUpgrade(socket, 404, 'no upgrade is served at this path', pathname ?? undefined);
      return;
    }
    try {
      route.handle(req, socket, head);
    } catch (error) {
      this.log(`upgrade route ${route.name} failed: ${(error as Error).message}`);
      refuseUpgrade(socket, 500, 'the upgrade failed');
    }
  }
}

function pathOf(url: string | undefined): string | null {
  try {
    return new URL(url ?? '/', 'http://localhost').pathname;
  } catch {
    return null;
  }
}

/** The process's `UpgradeDispatcher`, attached to the Nest application's HTTP server. */
@Injectable()
export class UpgradeRouter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('UpgradeRouter');
  readonly dispatcher = new UpgradeDispatcher(UPGRADE_HANDSHAKE_TIMEOUT_MS, (m) =>
    this.logger.warn(m),
  );

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  register(route: UpgradeRoute): () => void {
    return this.dispatcher.register(route);
  }

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (server) this.dispatcher.attach(server);
  }

  onApplicationShutdown(): void {
    this.dispatcher.detach();
  }
}
