import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  IdentityRequestSubjects,
  MembershipGetRequestSchema,
  MembershipGetResponse,
} from '@postmagiq/contracts';
import { DataSource } from 'typeorm';
import { IDENTITY_DB } from '../entities';
import { MembershipEntity } from '../entities/membership.entity';

/** NATS request/reply: other services ask whether a user belongs to a workspace, and as what. */
@Controller()
export class MembershipRpcController {
  constructor(@InjectDataSource(IDENTITY_DB) private readonly ds: DataSource) {}

  @MessagePattern(IdentityRequestSubjects.membershipGet)
  async membership(@Payload() payload: unknown): Promise<MembershipGetResponse> {
    const parsed = MembershipGetRequestSchema.safeParse(payload);
    if (!parsed.success) return { member: false, role: null };
    const m = await this.ds.getRepository(MembershipEntity).findOneBy(parsed.data);
    return { member: m !== null, role: m?.role ?? null };
  }
}
