import type { PrismaClient } from '../prisma/generated/client';
import type { NurtureActivities } from '../workflows/activity-contract';
import { createApplyEffects } from './apply-effects';
import { createDeliverNotifications } from './deliver-notifications';
import type { EmailChannel, SmsChannel } from './message-channels';
import type { NotificationSink } from './notification-sink';
import { createPauseAccount } from './pause-account';
import { createSendTouch } from './send-touch';
import type { UnsubscribeSecret } from './unsubscribe-link';

export interface ActivityDeps {
  prisma: PrismaClient;
  email: EmailChannel;
  sms: SmsChannel;
  /** Signed unsubscribe links in every email: where they point and the key that signs them. */
  unsubscribe: { baseUrl: string; secret: UnsubscribeSecret };
  crm: NotificationSink;
  alerts: NotificationSink;
}

/** Every activity the nurture workflow calls, built over its ports so tests inject their own. */
export function createActivities(deps: ActivityDeps): NurtureActivities {
  return {
    sendTouch: createSendTouch(deps),
    applyEffects: createApplyEffects(deps),
    deliverNotifications: createDeliverNotifications(deps),
    pauseAccount: createPauseAccount(deps),
  };
}
