import { z } from 'zod';
import { ScopeSchema, SystemRoleSchema, WorkspaceRoleSchema } from './roles.schema';

// trimmed and lowercased before the check (one string schema, not a pipe, so the OpenAPI document
// says `format: email` with zod's pattern instead of any string)
export const EmailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .email({ message: 'must be a valid email address' })
  .max(254);

export const PasswordSchema = z
  .string()
  .min(10, { message: 'must be at least 10 characters' })
  .max(256, { message: 'must be at most 256 characters' });

export const RegisterRequestSchema = z.strictObject({
  email: EmailSchema,
  password: PasswordSchema,
  name: z.string().trim().min(1, { message: 'must not be empty' }).max(120),
});
export type RegisterRequest = z.infer<typeof RegisterRequestSchema>;

export const LoginRequestSchema = z.strictObject({
  email: EmailSchema,
  password: z.string().min(1).max(256),
  /** Workspace to log into; defaults to the one used last. */
  workspaceId: z.string().uuid().optional(),
});
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

export const RefreshRequestSchema = z.strictObject({ refreshToken: z.string().min(20).max(200) });
export type RefreshRequest = z.infer<typeof RefreshRequestSchema>;

export const LogoutRequestSchema = z.strictObject({
  refreshToken: z.string().min(20).max(200).optional(),
});
export type LogoutRequest = z.infer<typeof LogoutRequestSchema>;

export const ChangePasswordRequestSchema = z.strictObject({
  currentPassword: z.string().min(1).max(256),
  newPassword: PasswordSchema,
});
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequestSchema>;

export const PasswordResetRequestSchema = z.strictObject({ email: EmailSchema });
export type PasswordResetRequest = z.infer<typeof PasswordResetRequestSchema>;

export const PasswordResetConfirmSchema = z.strictObject({
  token: z.string().min(20).max(200),
  newPassword: PasswordSchema,
});
export type PasswordResetConfirm = z.infer<typeof PasswordResetConfirmSchema>;

export const UserSchema = z.object({
  id: z.string().uuid(),
  email: z.string(),
  name: z.string(),
  role: SystemRoleSchema,
  disabled: z.boolean(),
  createdAt: z.string(),
});
export type User = z.infer<typeof UserSchema>;

export const WorkspaceSchema = z.object({
  id: z.string().uuid(),
  name: z.string(),
  ownerId: z.string().uuid(),
  createdAt: z.string(),
});
export type Workspace = z.infer<typeof WorkspaceSchema>;

/** Answer of register, login, refresh and workspace switch. */
export const TokenPairSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int(),
  user: UserSchema,
  workspace: WorkspaceSchema,
  workspaceRole: WorkspaceRoleSchema,
  scopes: z.array(ScopeSchema),
});
export type TokenPair = z.infer<typeof TokenPairSchema>;

export const MeResponseSchema = z.object({
  user: UserSchema,
  workspace: WorkspaceSchema,
  workspaceRole: WorkspaceRoleSchema,
  scopes: z.array(ScopeSchema),
});
export type MeResponse = z.infer<typeof MeResponseSchema>;
