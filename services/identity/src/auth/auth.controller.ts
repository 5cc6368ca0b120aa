import { Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ChangePasswordRequest,
  ChangePasswordRequestSchema,
  LoginRequest,
  LoginRequestSchema,
  LogoutRequest,
  LogoutRequestSchema,
  MeResponse,
  PasswordResetConfirm,
  PasswordResetConfirmSchema,
  PasswordResetRequest,
  PasswordResetRequestSchema,
  RefreshRequest,
  RefreshRequestSchema,
  RegisterRequest,
  RegisterRequestSchema,
  TokenPair,
} from '@postmagiq/contracts';
import { CurrentPrincipal, Principal, Public, RateLimit, ZodBody } from '@postmagiq/platform';
import type { JWK } from 'jose';
import { SigningKeysService } from '../keys/signing-keys.service';
import { AuthService } from './auth.service';

/** Per-IP limits tighter than the default 100/min on the routes attackers hammer. */
const LOGIN_LIMIT = { bucket: 'login' }; // RATE_LIMIT_LOGIN_PER_MINUTE, 10 by default
const REGISTER_LIMIT = { bucket: 'register', perMinute: 20 };
const RESET_LIMIT = { bucket: 'password-reset', perMinute: 5 };

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly keys: SigningKeysService,
  ) {}

  @Public()
  @RateLimit(REGISTER_LIMIT)
  @Post('register')
  @ApiOperation({ summary: 'Create an account and its personal workspace; answers a token pair' })
  register(
    @ZodBody(RegisterRequestSchema) body: RegisterRequest,
    @Ip() ip: string,
  ): Promise<TokenPair> {
    return this.auth.register(body, ip);
  }

  @Public()
  @RateLimit(LOGIN_LIMIT)
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in; unknown email and wrong password answer the same 401' })
  login(@ZodBody(LoginRequestSchema) body: LoginRequest, @Ip() ip: string): Promise<TokenPair> {
    return this.auth.login(body, ip);
  }

  @Public()
  @RateLimit(LOGIN_LIMIT)
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate a refresh token; a reused one revokes its whole session' })
  refresh(
    @ZodBody(RefreshRequestSchema) body: RefreshRequest,
    @Ip() ip: string,
  ): Promise<TokenPair> {
    return this.auth.refresh(body.refreshToken, ip);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'End this session (its access and refresh tokens)' })
  async logout(
    @CurrentPrincipal() principal: Principal,
    @ZodBody(LogoutRequestSchema.optional()) body?: LogoutRequest,
  ): Promise<void> {
    await this.auth.logout(principal, body?.refreshToken);
  }

  @Post('password')
  @HttpCode(204)
  @ApiOperation({ summary: 'Change the password; every other session of the account ends' })
  async changePassword(
    @CurrentPrincipal() principal: Principal,
    @ZodBody(ChangePasswordRequestSchema) body: ChangePasswordRequest,
  ): Promise<void> {
    await this.auth.changePassword(principal, body);
  }

  @Public()
  @RateLimit(RESET_LIMIT)
  @Post('password-reset')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Mail a single-use reset link (answers 202 whether or not the account exists)',
  })
  async requestReset(
    @ZodBody(PasswordResetRequestSchema) body: PasswordResetRequest,
  ): Promise<{ status: 'accepted' }> {
    await this.auth.requestPasswordReset(body.email);
    return { status: 'accepted' };
  }

  @Public()
  @RateLimit(RESET_LIMIT)
  @Post('password-reset/confirm')
  @HttpCode(204)
  @ApiOperation({ summary: 'Set a new password with a reset token; every session ends' })
  async confirmReset(
    @ZodBody(PasswordResetConfirmSchema) body: PasswordResetConfirm,
  ): Promise<void> {
    await this.auth.confirmPasswordReset(body);
  }

  @Get('me')
  @ApiOperation({ summary: 'The caller, their current workspace, role and scopes' })
  me(@CurrentPrincipal() principal: Principal): Promise<MeResponse> {
    return this.auth.me(principal);
  }

  @Public()
  @Get('.well-known/jwks.json')
  @ApiOperation({ summary: "Identity's public signing keys (JWKS)" })
  jwks(): { keys: JWK[] } {
    return this.keys.jwks();
  }
}
