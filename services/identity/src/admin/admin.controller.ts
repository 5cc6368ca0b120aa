import { Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AdminUser,
  AdminWorkspace,
  FeatureFlag,
  MyFeatureFlags,
  PageQuery,
  PageQuerySchema,
  UpdateFeatureFlagRequest,
  UpdateFeatureFlagRequestSchema,
  UpdateSystemRoleRequest,
  UpdateSystemRoleRequestSchema,
} from '@postmagiq/contracts';
import {
  CurrentPrincipal,
  Principal,
  Scopes,
  uuidOr404,
  ZodBody,
  ZodQuery,
} from '@postmagiq/platform';
import { AdminService } from './admin.service';

const UserId = uuidOr404('user');

@ApiTags('admin')
@Scopes('admin:system')
@Controller('admin')
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @Get('users')
  users(@ZodQuery(PageQuerySchema) page: PageQuery): Promise<AdminUser[]> {
    return this.admin.users(page);
  }

  @Get('workspaces')
  workspaces(@ZodQuery(PageQuerySchema) page: PageQuery): Promise<AdminWorkspace[]> {
    return this.admin.workspaces(page);
  }

  @Post('users/:id/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable an account: no login, no refresh, live tokens refused' })
  disable(@CurrentPrincipal() p: Principal, @Param('id', UserId) id: string): Promise<AdminUser> {
    return this.admin.disable(p, id);
  }

  @Post('users/:id/enable')
  @HttpCode(200)
  enable(@Param('id', UserId) id: string): Promise<AdminUser> {
    return this.admin.enable(id);
  }

  @Put('users/:id/role')
  @ApiOperation({ summary: "Set a user's system role (system owners only; the last owner stays)" })
  setRole(
    @CurrentPrincipal() p: Principal,
    @Param('id', UserId) id: string,
    @ZodBody(UpdateSystemRoleRequestSchema) body: UpdateSystemRoleRequest,
  ): Promise<AdminUser> {
    return this.admin.setSystemRole(p, id, body.role);
  }

  @Get('feature-flags')
  flags(): Promise<FeatureFlag[]> {
    return this.admin.flags();
  }

  @Put('feature-flags/:key')
  updateFlag(
    @Param('key') key: string,
    @ZodBody(UpdateFeatureFlagRequestSchema) body: UpdateFeatureFlagRequest,
  ): Promise<FeatureFlag> {
    return this.admin.updateFlag(key, body);
  }
}

@ApiTags('feature-flags')
@Controller('feature-flags')
export class FeatureFlagsController {
  constructor(private readonly admin: AdminService) {}

  @Get()
  @ApiOperation({ summary: "Every feature flag, on or off for the caller's roles" })
  mine(@CurrentPrincipal() p: Principal): Promise<MyFeatureFlags> {
    return this.admin.myFlags(p);
  }
}
