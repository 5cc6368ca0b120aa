import { z } from 'zod';
import { WorkspaceRoleSchema } from './roles.schema';

/** JetStream stream holding every identity event. */
export const IDENTITY_STREAM = 'IDENTITY';

/**
 * Subjects the stream captures: one wildcard per event entity. Never `identity.>`: the stream
 * would also capture (and answer with its ack) the request/reply subjects below.
 */
export const IDENTITY_STREAM_SUBJECTS = [
  'identity.user.>',
  'identity.workspace.>',
  'identity.member.>',
];

/** Subjects identity publishes on (`domain.entity.verb`); never rename one. */
export const IdentitySubjects = {
  userRegistered: 'identity.user.registered',
  userDisabled: 'identity.user.disabled',
  workspaceCreated: 'identity.workspace.created',
  memberAdded: 'identity.member.added',
  memberRemoved: 'identity.member.removed',
  memberRoleChanged: 'identity.member.role-changed',
} as const;
export type IdentitySubject = (typeof IdentitySubjects)[keyof typeof IdentitySubjects];

const envelope = { eventId: z.string().uuid(), occurredAt: z.string() };

export const UserRegisteredEventSchema = z.object({
  ...envelope,
  userId: z.string().uuid(),
  email: z.string(),
  name: z.string(),
  workspaceId: z.string().uuid(),
});
export const UserDisabledEventSchema = z.object({ ...envelope, userId: z.string().uuid() });
export const WorkspaceCreatedEventSchema = z.object({
  ...envelope,
  workspaceId: z.string().uuid(),
  name: z.string(),
  ownerId: z.string().uuid(),
});
export const MemberAddedEventSchema = z.object({
  ...envelope,
  workspaceId: z.string().uuid(),
  userId: z.string().uuid(),
  role: WorkspaceRoleSchema,
});
export const MemberRemovedEventSchema = z.object({
  ...envelope,
  workspaceId: z.string().uuid(),
  userId: z.string().uuid(),
});
export const MemberRoleChangedEventSchema = z.object({
  ...envelope,
  workspaceId: z.string().uuid(),
  userId: z.string().uuid(),
  role: WorkspaceRoleSchema,
  previousRole: WorkspaceRoleSchema,
});

/** Subject → payload schema: publishers and consumers validate against the same entry. */
export const IdentityEventSchemas = {
  [IdentitySubjects.userRegistered]: UserRegisteredEventSchema,
  [IdentitySubjects.userDisabled]: UserDisabledEventSchema,
  [IdentitySubjects.workspaceCreated]: WorkspaceCreatedEventSchema,
  [IdentitySubjects.memberAdded]: MemberAddedEventSchema,
  [IdentitySubjects.memberRemoved]: MemberRemovedEventSchema,
  [IdentitySubjects.memberRoleChanged]: MemberRoleChangedEventSchema,
} as const;
export type IdentityEvent<S extends IdentitySubject> = z.infer<(typeof IdentityEventSchemas)[S]>;

/** NATS request/reply: other services ask identity about a membership. */
export const IdentityRequestSubjects = {
  membershipGet: 'identity.membership.get',
} as const;

export const MembershipGetRequestSchema = z.object({
  userId: z.string().uuid(),
  workspaceId: z.string().uuid(),
});
export type MembershipGetRequest = z.infer<typeof MembershipGetRequestSchema>;
export const MembershipGetResponseSchema = z.object({
  member: z.boolean(),
  role: WorkspaceRoleSchema.nullable(),
});
export type MembershipGetResponse = z.infer<typeof MembershipGetResponseSchema>;
