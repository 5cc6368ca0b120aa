import { Injectable, Logger } from '@nestjs/common';
import { AuthService } from '../auth/auth.service';

export interface DemoAccount {
  email: string;
  password: string;
  created: boolean;
}

/** The one-machine stack's first start creates a demo account (a system owner) and says so. */
@Injectable()
export class DemoAccountService {
  private readonly logger = new Logger('DemoAccount');

  constructor(private readonly auth: AuthService) {}

  async ensure(email: string, password: string): Promise<DemoAccount> {
    if (await this.auth.hasUsers()) return { email, password, created: false };
    await this.auth.register({ email, password, name: 'Demo' }, undefined, 'owner');
    this.logger.log(`created demo account ${email}`);
    return { email, password, created: true };
  }
}
