import { FeatureFlagEntity } from './feature-flag.entity';
import { InviteEntity } from './invite.entity';
import { MembershipEntity } from './membership.entity';
import { OutboxEntity } from './outbox.entity';
import { PasswordResetEntity } from './password-reset.entity';
import { RefreshTokenEntity } from './refresh-token.entity';
import { UserEntity } from './user.entity';
import { WorkspaceEntity } from './workspace.entity';

export {
  FeatureFlagEntity,
  InviteEntity,
  MembershipEntity,
  OutboxEntity,
  PasswordResetEntity,
  RefreshTokenEntity,
  UserEntity,
  WorkspaceEntity,
};

export const IDENTITY_ENTITIES = [
  UserEntity,
  WorkspaceEntity,
  MembershipEntity,
  InviteEntity,
  RefreshTokenEntity,
  PasswordResetEntity,
  FeatureFlagEntity,
  OutboxEntity,
];

/** Postgres schema and DataSource name of the identity service. */
export const IDENTITY_SCHEMA = 'identity';
export const IDENTITY_DB = 'identity';
