import { randomBytes } from 'node:crypto';
import type { UnsubscribeSecret } from '../../activities/unsubscribe-link';
import type { Env } from '../../config/env';
import type { PrismaClient } from '../generated/client';

const UNSUBSCRIBE_SECRET_SETTING = 'unsubscribe-secret';

/**
 * UNSUBSCRIBE_SECRET, or one generated once and kept in the database, so the
 * worker that signs links and every API process that checks them agree,
 * however many there are and wherever they run.
 */
export async function unsubscribeSecret(env: Env, prisma: PrismaClient): Promise<UnsubscribeSecret> {
  if (env.UNSUBSCRIBE_SECRET !== undefined) return env.UNSUBSCRIBE_SECRET;
  await prisma.serviceSetting.createMany({
    data: [{ name: UNSUBSCRIBE_SECRET_SETTING, value: randomBytes(32).toString('base64url') }],
    skipDuplicates: true,
  });
  const stored = await prisma.serviceSetting.findUniqueOrThrow({
    where: { name: UNSUBSCRIBE_SECRET_SETTING },
  });
  return stored.value;
}
