import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern } from '@nestjs/microservices';
import { z } from 'zod';
import type { PlatformConfig } from '../config/config';
import { startNats, type NatsServer } from '../testing/processes';
import { natsMicroserviceStrategy, NatsRpcClient } from './nats';

@Controller()
class PingController {
  @MessagePattern('test.ping')
  ping(): string {
    return 'pong';
  }
}

@Module({ controllers: [PingController] })
class PingModule {}

/**
 * A service's request/reply responder and client outlive a NATS outage longer than the NATS
 * client's default reconnect budget (10 attempts, 2 s apart): with that default, the responder
 * gave up and never answered again, although NATS was back.
 */
describe('NATS request/reply across a long NATS outage', () => {
  let nats: NatsServer;
  let responder: INestMicroservice;
  let client: NatsRpcClient;
  beforeAll(async () => {
    nats = await startNats();
    const config = { NATS_URL: nats.url, SERVICE_NAME: 'reconnect-test' } as PlatformConfig;
    responder = await NestFactory.createMicroservice(PingModule, {
      ...natsMicroserviceStrategy(config, 'reconnect-test'),
      logger: false,
    });
    await responder.listen();
    client = new NatsRpcClient(config);
    await client.onApplicationBootstrap();
  });
  afterAll(async () => {
    await client?.onApplicationShutdown();
    await responder?.close();
    await nats?.stop();
  });

  it('answers again once NATS is back after 25 s away', async () => {
    await expect(client.request('test.ping', {}, z.string())).resolves.toBe('pong');
    await nats.restart('SIGKILL', 25_000);
    const deadline = Date.now() + 15_000;
    let answer: unknown;
    while (answer === undefined && Date.now() < deadline) {
      answer = await client.request('test.ping', {}, z.string(), 1000).catch(() => undefined);
      if (answer === undefined) await new Promise((r) => setTimeout(r, 250));
    }
    expect(answer).toBe('pong');
  }, 60_000);
});
