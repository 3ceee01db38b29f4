import { Prisma, type PrismaClient } from '../../prisma/generated/client';

/**
 * Where an injected database failure strikes: `before` the statement reaches
 * the database (it never ran), `after` it (it ran and committed, but the
 * caller only sees the error, as when the answer is lost or a transaction
 * times out on its way back).
 */
export type InjectedFailure = 'before' | 'after';

/** P2028, the error Prisma raises when an interactive transaction times out or cannot start. */
export function transactionTimeout(): Prisma.PrismaClientKnownRequestError {
  return new Prisma.PrismaClientKnownRequestError(
    'Transaction API error: Transaction already closed: the timeout for this transaction was 5000 ms (injected).',
    { code: 'P2028', clientVersion: Prisma.prismaVersion.client },
  );
}

const PASSED_THROUGH = new Set(['$connect', '$disconnect', '$on', '$extends', '$use']);

/**
 * A Prisma client whose top-level calls (model operations, raw SQL, interactive
 * transactions) fail with P2028 where `failAt` says so, by call number from 1.
 * Only the calls are wrapped: what they do is the real database's doing.
 */
export function flakyPrisma(
  prisma: PrismaClient,
  failAt: (call: number) => InjectedFailure | null,
): { prisma: PrismaClient; calls: () => number; injected: () => number } {
  let calls = 0;
  let injected = 0;
  const wrap =
    (fn: (...args: unknown[]) => unknown, self: unknown) =>
    async (...args: unknown[]): Promise<unknown> => {
      calls += 1;
      const failure = failAt(calls);
      if (failure === 'before') {
        injected += 1;
        throw transactionTimeout();
      }
      const result: unknown = await fn.apply(self, args);
      if (failure === 'after') {
        injected += 1;
        throw transactionTimeout();
      }
      return result;
    };
  const model = (delegate: object): object =>
    new Proxy(delegate, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? wrap(value as (...args: unknown[]) => unknown, target) : value;
      },
    });
  const proxy = new Proxy(prisma, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof key !== 'string' || PASSED_THROUGH.has(key)) return value;
      if (typeof value === 'function' && key.startsWith('$')) {
        return wrap(value as (...args: unknown[]) => unknown, target);
      }
      if (typeof value === 'object' && value !== null && !key.startsWith('$')) return model(value);
      return value;
    },
  });
  return { prisma: proxy, calls: () => calls, injected: () => injected };
}
