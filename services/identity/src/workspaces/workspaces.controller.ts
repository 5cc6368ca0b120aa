import { Controller, Delete, Get, HttpCode, Ip, Param, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AcceptInviteRequest,
  AcceptInviteRequestSchema,
  ChangeMemberRoleRequest,
  ChangeMemberRoleRequestSchema,
  CreateInviteRequest,
  CreateInviteRequestSchema,
  CreateWorkspaceRequest,
  CreateWorkspaceRequestSchema,
  Invite,
  Member,
  MyWorkspace,
  RenameWorkspaceRequest,
  RenameWorkspaceRequestSchema,
  TokenPair,
  Workspace,
} from '@postmagiq/contracts';
import { CurrentPrincipal, Principal, uuidOr404, ZodBody } from '@postmagiq/platform';
import { WorkspacesService } from './workspaces.service';

/** A malformed id is a 404 like any unknown one (never a 500, never a hint). */
const Id = uuidOr404('workspace');
const UserId = uuidOr404('member');
const InviteId = uuidOr404('invite');

@ApiTags('workspaces')
@Controller('workspaces')
export class WorkspacesController {
  constructor(private readonly workspaces: WorkspacesService) {}

  @Post()
  @ApiOperation({ summary: 'Create a workspace; the caller owns it' })
  create(
    @CurrentPrincipal() p: Principal,
    @ZodBody(CreateWorkspaceRequestSchema) body: CreateWorkspaceRequest,
  ): Promise<MyWorkspace> {
    return this.workspaces.create(p, body.name);
  }

  @Get()
  @ApiOperation({ summary: "The caller's workspaces with their role in each" })
  list(@CurrentPrincipal() p: Principal): Promise<MyWorkspace[]> {
    return this.workspaces.listMine(p);
  }

  @Get(':id')
  get(@CurrentPrincipal() p: Principal, @Param('id', Id) id: string): Promise<MyWorkspace> {
    return this.workspaces.get(p, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Rename (owner/admin)' })
  rename(
    @CurrentPrincipal() p: Principal,
    @Param('id', Id) id: string,
    @ZodBody(RenameWorkspaceRequestSchema) body: RenameWorkspaceRequest,
  ): Promise<Workspace> {
    return this.workspaces.rename(p, id, body.name);
  }

  @Post(':id/switch')
  @HttpCode(200)
  @ApiOperation({ summary: 'New tokens scoped to this workspace' })
  switch(
    @CurrentPrincipal() p: Principal,
    @Param('id', Id) id: string,
    @Ip() ip: string,
  ): Promise<TokenPair> {
    return this.workspaces.switchTo(p, id, ip);
  }

  @Get(':id/members')
  members(@CurrentPrincipal() p: Principal, @Param('id', Id) id: string): Promise<Member[]> {
    return this.workspaces.members(p, id);
  }

  @Patch(':id/members/:userId')
  @ApiOperation({ summary: 'Change a member role (team:manage; owner role only by an owner)' })
  changeRole(
    @CurrentPrincipal() p: Principal,
    @Param('id', Id) id: string,
    @Param('userId', UserId) userId: string,
    @ZodBody(ChangeMemberRoleRequestSchema) body: ChangeMemberRoleRequest,
  ): Promise<Member> {
    return this.workspaces.changeRole(p, id, userId, body.role);
  }

  @Delete(':id/members/:userId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a member, or leave (own id); the last owner cannot' })
  async remove(
    @CurrentPrincipal() p: Principal,
    @Param('id', Id) id: string,
    @Param('userId', UserId) userId: string,
  ): Promise<void> {
    await this.workspaces.removeMember(p, id, userId);
  }

  @Post(':id/invites')
  @ApiOperation({ summary: 'Invite by email (team:manage); the link expires and works once' })
  invite(
    @CurrentPrincipal() p: Principal,
    @Param('id', Id) id: string,
    @ZodBody(CreateInviteRequestSchema) body: CreateInviteRequest,
  ): Promise<Invite> {
    return this.workspaces.invite(p, id, body);
  }

  @Get(':id/invites')
  invites(@CurrentPrincipal() p: Principal, @Param('id', Id) id: string): Promise<Invite[]> {
    return this.workspaces.invites(p, id);
  }

  @Delete(':id/invites/:inviteId')
  @HttpCode(204)
  async revokeInvite(
    @CurrentPrincipal() p: Principal,
    @Param('id', Id) id: string,
    @Param('inviteId', InviteId) inviteId: string,
  ): Promise<void> {
    await this.workspaces.revokeInvite(p, id, inviteId);
  }
}

@ApiTags('workspaces')
@Controller('invites')
export class InvitesController {
  constructor(private readonly workspaces: WorkspacesService) {}

  @Post('accept')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Accept an invite as the logged-in user with the invited email; answers tokens for that workspace',
  })
  accept(
    @CurrentPrincipal() p: Principal,
    @ZodBody(AcceptInviteRequestSchema) body: AcceptInviteRequest,
    @Ip() ip: string,
  ): Promise<TokenPair> {
    return this.workspaces.accept(p, body.token, ip);
  }
}
