import { Injectable, Logger } from '@nestjs/common';
import { AuthService } from '../auth/auth.service';

export interface DemoAccount {
  email: string;
  /** null when the database already had accounts and these credentials open none of them */
  password: string | null;
  created: boolean;
}

/**
 * The one-machine stack's first start creates a demo account (a system owner) and says so. Later
 * starts print the login only if it still works: a password that opens no account (the database
 * was set up elsewhere, or the demo password was changed) is never printed as if it did.
 */
@Injectable()
export class DemoAccountService {
  private readonly logger = new Logger('DemoAccount');

  constructor(private readonly auth: AuthService) {}

  async ensure(email: string, password: string): Promise<DemoAccount> {
    if (!(await this.auth.hasUsers())) {
      await this.auth.register({ email, password, name: 'Demo' }, undefined, 'owner');
      this.logger.log(`created demo account ${email}`);
      return { email, password, created: true };
    }
    const works = await this.auth.credentialsValid(email, password);
    return { email, password: works ? password : null, created: false };
  }
}
