import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import {
  DEFAULT_JOB_OPTIONS,
  parseJobData,
  runInJobContext,
  WithContext,
  withJobContext,
} from '@postmagiq/platform';
import type { Job, Queue } from 'bullmq';
import { createTransport, Transporter } from 'nodemailer';
import { z } from 'zod';
import { IDENTITY_CONFIG, IdentityConfig } from '../config/identity.config';

/** Queue names never change once deployed. */
export const MAIL_QUEUE = 'identity-mail';

export const MailJobSchema = z.object({
  to: z.string().email(),
  subject: z.string().min(1),
  text: z.string().min(1),
});
export type MailJob = z.infer<typeof MailJobSchema>;

/**
 * Enqueues mails; the job id is derived from what the mail is for (`invite.<id>`), so a repeated
 * enqueue is a no-op. BullMQ 6 refuses `:` in custom job ids.
 */
@Injectable()
export class MailQueue {
  constructor(@InjectQueue(MAIL_QUEUE) private readonly queue: Queue) {}

  async send(jobId: string, mail: MailJob): Promise<void> {
    await this.queue.add('send', withJobContext(MailJobSchema.parse(mail)), {
      ...DEFAULT_JOB_OPTIONS,
      jobId,
    });
  }
}

/** Sends queued mails over SMTP (SMTP_URL); without it, logs them (one-machine default). */
@Processor(MAIL_QUEUE, { concurrency: 4 })
export class MailProcessor extends WorkerHost implements OnApplicationShutdown {
  private readonly logger = new Logger('Mail');
  private readonly transport: Transporter | null;

  constructor(@Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig) {
    super();
    this.transport = config.SMTP_URL ? createTransport(config.SMTP_URL) : null;
  }

  async process(job: Job<WithContext<MailJob>>): Promise<void> {
    await runInJobContext(job, async () => {
      const mail = parseJobData(job, MailJobSchema, 'mail', this.logger);
      if (!this.transport) {
        this.logger.warn(
          `SMTP_URL unset; mail to ${mail.to} not sent. Subject: ${mail.subject}\n${mail.text}`,
        );
        return;
      }
      await this.transport.sendMail({
        from: this.config.MAIL_FROM,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
      });
      this.logger.log(`mail "${mail.subject}" sent to ${mail.to}`);
    });
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
