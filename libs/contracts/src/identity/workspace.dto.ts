import { z } from 'zod';
import { EmailSchema, UserSchema, WorkspaceSchema } from './auth.dto';
import { SystemRoleSchema, WorkspaceRoleSchema } from './roles.schema';

export const WorkspaceNameSchema = z
  .string()
  .trim()
  .min(1, { message: 'must not be empty' })
  .max(120);

export const CreateWorkspaceRequestSchema = z.strictObject({ name: WorkspaceNameSchema });
export type CreateWorkspaceRequest = z.infer<typeof CreateWorkspaceRequestSchema>;

export const RenameWorkspaceRequestSchema = z.strictObject({ name: WorkspaceNameSchema });
export type RenameWorkspaceRequest = z.infer<typeof RenameWorkspaceRequestSchema>;

export const MyWorkspaceSchema = WorkspaceSchema.extend({ role: WorkspaceRoleSchema });
export type MyWorkspace = z.infer<typeof MyWorkspaceSchema>;

export const MemberSchema = z.object({
  userId: z.string().uuid(),
  email: z.string(),
  name: z.string(),
  role: WorkspaceRoleSchema,
  joinedAt: z.string(),
});
export type Member = z.infer<typeof MemberSchema>;

export const ChangeMemberRoleRequestSchema = z.strictObject({ role: WorkspaceRoleSchema });
export type ChangeMemberRoleRequest = z.infer<typeof ChangeMemberRoleRequestSchema>;

export const CreateInviteRequestSchema = z.strictObject({
  email: EmailSchema,
  role: WorkspaceRoleSchema.exclude(['owner']).default('editor'),
});
export type CreateInviteRequest = z.infer<typeof CreateInviteRequestSchema>;

export const InviteSchema = z.object({
  id: z.string().uuid(),
  workspaceId: z.string().uuid(),
  email: z.string(),
  role: WorkspaceRoleSchema,
  expiresAt: z.string(),
  acceptedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type Invite = z.infer<typeof InviteSchema>;

export const AcceptInviteRequestSchema = z.strictObject({ token: z.string().min(20).max(200) });
export type AcceptInviteRequest = z.infer<typeof AcceptInviteRequestSchema>;

export const AdminUserSchema = UserSchema.extend({ workspaceCount: z.number().int() });
export type AdminUser = z.infer<typeof AdminUserSchema>;

/** A system owner gives a user a system role (owner, admin or user). */
export const UpdateSystemRoleRequestSchema = z.strictObject({ role: SystemRoleSchema });
export type UpdateSystemRoleRequest = z.infer<typeof UpdateSystemRoleRequestSchema>;

export const AdminWorkspaceSchema = WorkspaceSchema.extend({ memberCount: z.number().int() });
export type AdminWorkspace = z.infer<typeof AdminWorkspaceSchema>;

export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type PageQuery = z.infer<typeof PageQuerySchema>;

export const FeatureFlagSchema = z.object({
  key: z.string(),
  description: z.string(),
  systemRoles: z.array(SystemRoleSchema),
  workspaceRoles: z.array(WorkspaceRoleSchema),
});
export type FeatureFlag = z.infer<typeof FeatureFlagSchema>;

export const UpdateFeatureFlagRequestSchema = z.strictObject({
  systemRoles: z.array(SystemRoleSchema),
  workspaceRoles: z.array(WorkspaceRoleSchema),
});
export type UpdateFeatureFlagRequest = z.infer<typeof UpdateFeatureFlagRequestSchema>;

/** What the console reads: every known flag, on or off for the caller. */
export const MyFeatureFlagsSchema = z.object({ flags: z.record(z.string(), z.boolean()) });
export type MyFeatureFlags = z.infer<typeof MyFeatureFlagsSchema>;
