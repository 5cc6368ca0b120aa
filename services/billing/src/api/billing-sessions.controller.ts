import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { BillingSessionUrl, CheckoutRequest, CheckoutRequestSchema } from '@postmagiq/contracts';
import { CurrentPrincipal, Principal, Scopes, ZodBody } from '@postmagiq/platform';
import { BillingSessionsService } from '../stripe/billing-sessions.service';

/** Stripe-hosted pages for the caller's workspace; 409 `billing-not-configured` without Stripe. */
@ApiTags('billing')
@Controller('billing')
export class BillingSessionsController {
  constructor(private readonly sessions: BillingSessionsService) {}

  @Post('checkout')
  @HttpCode(201)
  @Scopes('billing:manage')
  @ApiOperation({ summary: 'A Stripe Checkout URL for a credit pack (whole USD, 5 to 1,000)' })
  checkout(
    @CurrentPrincipal() p: Principal,
    @ZodBody(CheckoutRequestSchema) body: CheckoutRequest,
  ): Promise<BillingSessionUrl> {
    return this.sessions.checkout(p.workspaceId, body);
  }

  @Post('portal')
  @HttpCode(201)
  @Scopes('billing:manage')
  @ApiOperation({ summary: 'A Stripe Customer Portal URL (payment methods, plan, invoices)' })
  portal(@CurrentPrincipal() p: Principal): Promise<BillingSessionUrl> {
    return this.sessions.portal(p.workspaceId);
  }
}
