import { Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import { Public } from '@postmagiq/platform';
import type { Request } from 'express';
import { StripeWebhooksService, WebhookOutcome } from './stripe-webhooks.service';

/** Stripe's webhook endpoint: authenticated by its signature, not by a token. */
@Controller('billing/stripe')
export class StripeWebhooksController {
  constructor(private readonly webhooks: StripeWebhooksService) {}

  @Post('webhook')
  @Public()
  @HttpCode(200)
  @ApiExcludeEndpoint()
  async receive(
    @Req() req: RawBodyRequest<Request>,
    @Headers('stripe-signature') signature: string | undefined,
  ): Promise<{ received: true; outcome: WebhookOutcome }> {
    return { received: true, outcome: await this.webhooks.receive(req.rawBody, signature) };
  }
}
