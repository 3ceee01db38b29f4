import { readFileSync } from 'node:fs';
import type { Env } from './env';

/** Where Temporal is: TEMPORAL_ADDRESS, or the dev server `npm start` runs. */
export function temporalAddress(env: Env): string {
  return env.TEMPORAL_ADDRESS ?? `127.0.0.1:${env.TEMPORAL_DEV_PORT}`;
}

export interface TemporalConnectionOptions {
  address: string;
  tls?: boolean | { clientCertPair: { crt: Buffer; key: Buffer } };
  apiKey?: string;
}

/**
 * Connection options shared by the client and the worker: plain for the dev
 * server, mTLS with a client certificate or an API key for Temporal Cloud.
 */
export function temporalConnectionOptions(env: Env): TemporalConnectionOptions {
  const options: TemporalConnectionOptions = { address: temporalAddress(env) };
  if (env.TEMPORAL_TLS_CERT_PATH !== undefined && env.TEMPORAL_TLS_KEY_PATH !== undefined) {
    options.tls = {
      clientCertPair: {
        crt: readFileSync(env.TEMPORAL_TLS_CERT_PATH),
        key: readFileSync(env.TEMPORAL_TLS_KEY_PATH),
      },
    };
  } else if (env.TEMPORAL_TLS === true || env.TEMPORAL_API_KEY !== undefined) {
    options.tls = true;
  }
  if (env.TEMPORAL_API_KEY !== undefined) options.apiKey = env.TEMPORAL_API_KEY;
  return options;
}

/**
 * The SDK runtime's telemetry: with TEMPORAL_METRICS_PORT, Core's own metrics
 * (task slots, sticky cache, schedule-to-start latency) are served in
 * Prometheus text at HOST:port/metrics, beside the service's own /metrics.
 */
export function temporalRuntimeTelemetry(env: Pick<Env, 'HOST' | 'TEMPORAL_METRICS_PORT'>): {
  telemetryOptions?: { metrics: { prometheus: { bindAddress: string; countersTotalSuffix: boolean } } };
} {
  if (env.TEMPORAL_METRICS_PORT === undefined) return {};
  const host = env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST;
  return {
    telemetryOptions: {
      metrics: {
        prometheus: {
          bindAddress: `${host}:${String(env.TEMPORAL_METRICS_PORT)}`,
          countersTotalSuffix: true,
        },
      },
    },
  };
}
