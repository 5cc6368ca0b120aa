import { Controller, Get, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AutoRechargeSettings,
  AutoRechargeSettingsSchema,
  Balance,
  BillingAccount,
  LedgerPage,
  LedgerQuery,
  LedgerQuerySchema,
  PriceBook,
  UsageQuery,
  UsageQuerySchema,
  UsageReport,
} from '@postmagiq/contracts';
import { CurrentPrincipal, Principal, Scopes, ZodBody, ZodQuery } from '@postmagiq/platform';
import { BillingReportsService } from './billing-reports.service';

/** The workspace's billing, as the console shows it: always the caller's own workspace. */
@ApiTags('billing')
@Controller('billing')
export class BillingController {
  constructor(private readonly reports: BillingReportsService) {}

  @Get('account')
  @Scopes('billing:read')
  @ApiOperation({
    summary: 'Account, plan, subscription status, overdraft limit and balance (micro-USD)',
  })
  account(@CurrentPrincipal() p: Principal): Promise<BillingAccount> {
    return this.reports.account(p.workspaceId);
  }

  @Get('balance')
  @Scopes('billing:read')
  @ApiOperation({ summary: 'Available and held credit (micro-USD)' })
  async balance(@CurrentPrincipal() p: Principal): Promise<Balance> {
    return (await this.reports.account(p.workspaceId)).balance;
  }

  @Get('ledger')
  @Scopes('billing:read')
  @ApiOperation({ summary: 'Ledger entries, newest first (paged; optionally one run)' })
  ledger(
    @CurrentPrincipal() p: Principal,
    @ZodQuery(LedgerQuerySchema) q: LedgerQuery,
  ): Promise<LedgerPage> {
    return this.reports.ledger(p.workspaceId, q);
  }

  @Get('usage')
  @Scopes('billing:read')
  @ApiOperation({ summary: 'Metered usage grouped by month, model or run' })
  usage(
    @CurrentPrincipal() p: Principal,
    @ZodQuery(UsageQuerySchema) q: UsageQuery,
  ): Promise<UsageReport> {
    return this.reports.usage(p.workspaceId, q);
  }

  @Get('prices')
  @Scopes('billing:read')
  @ApiOperation({
    summary: 'Price book: micro-USD per million input, output and cached input tokens per model',
  })
  prices(): PriceBook {
    return this.reports.priceBook();
  }

  @Get('auto-recharge')
  @Scopes('billing:read')
  autoRecharge(@CurrentPrincipal() p: Principal): Promise<AutoRechargeSettings> {
    return this.reports.autoRecharge(p.workspaceId);
  }

  @Put('auto-recharge')
  @Scopes('billing:manage')
  @ApiOperation({
    summary: 'Auto-recharge: below the threshold, top up to the target, at most the monthly cap',
  })
  setAutoRecharge(
    @CurrentPrincipal() p: Principal,
    @ZodBody(AutoRechargeSettingsSchema) body: AutoRechargeSettings,
  ): Promise<AutoRechargeSettings> {
    return this.reports.setAutoRecharge(p.workspaceId, body);
  }
}
