import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server on loopback that keeps every message it accepts by its
 * `X-Nurture-Touch-Key` header, in this process, so what was delivered is
 * known whatever happens to the service. During a storm it answers
 * `451 4.3.2` to every RCPT TO, as a relay under load does: a temporary
 * refusal, so nothing was accepted and a retry is the right answer.
 */
export class SmtpSink {
  /** Touch key → how many copies arrived. */
  readonly received = new Map<string, number>();
  refused = 0;
  private stormUntil = 0;

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(): Promise<SmtpSink> {
    let sink: SmtpSink | undefined = undefined;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(_address, _session, callback) {
        if (sink !== undefined && Date.now() < sink.stormUntil) {
          sink.refused += 1;
          callback(Object.assign(new Error('4.3.2 service busy, try again later'), { responseCode: 451 }));
          return;
        }
        callback();
      },
      onData(stream, _session, callback) {
        simpleParser(stream)
          .then((mail) => {
            const key = mail.headers.get('x-nurture-touch-key');
            if (typeof key === 'string' && sink !== undefined) {
              sink.received.set(key, (sink.received.get(key) ?? 0) + 1);
            }
            callback();
          })
          .catch((error: unknown) => {
            callback(error instanceof Error ? error : new Error(String(error)));
          });
      },
    });
    server.listen(0, '127.0.0.1');
    await once(server.server, 'listening');
    sink = new SmtpSink(server, (server.server.address() as AddressInfo).port);
    return sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${String(this.port)}`;
  }

  storm(durationMs: number): void {
    this.stormUntil = Date.now() + durationMs;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }
}
