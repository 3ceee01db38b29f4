import type { PrismaClient } from '../prisma/generated/client';
import type { EmailChannel } from './email-channel';
import { createRecordDecisions } from './record-decisions';
import { createSendEmailTouch } from './send-touch';

export interface ActivityDeps {
  prisma: PrismaClient;
  email: EmailChannel;
}

/** Every activity the nurture workflow calls, built over its ports so tests inject their own. */
export function createActivities(deps: ActivityDeps) {
  return {
    sendEmailTouch: createSendEmailTouch(deps),
    recordDecisions: createRecordDecisions(deps),
  };
}

export type NurtureActivities = ReturnType<typeof createActivities>;
