import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
} from '@opentelemetry/semantic-conventions';
import type { Request, RequestHandler } from 'express';

/**
 * A server span per request, active for everything the request runs (so the
 * Temporal client's spans nest under it). A small middleware rather than
 * @opentelemetry/instrumentation-http/-express: those patch modules as they
 * are required, which must happen before anything loads `http` or `express`
 * and does not happen at all under jest's module registry, where the test
 * of this trace runs.
 *
 * Attributes are the method, the route pattern and the status only: never
 * the path or query (unsubscribe tokens, and whatever a caller put there),
 * never a header or body (emails, phones, names).
 */
export function httpServerSpans(tracer: Tracer, routeOf: (req: Request) => string): RequestHandler {
  return (req, res, next) => {
    // A caller's W3C traceparent makes this request part of its trace.
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer.startSpan(
      req.method,
      { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: req.method } },
      parent,
    );
    const active = trace.setSpan(parent, span);
    // The body parser and the handlers after it resume from the request's stream events,
    // which run in the context the socket was read in, not this one: bound, they keep it.
    context.bind(active, req);
    context.bind(active, res);
    let ended = false;
    const end = (aborted: boolean): void => {
      if (ended) return;
      ended = true;
      const route = routeOf(req);
      span.updateName(`${req.method} ${route}`);
      span.setAttribute(ATTR_HTTP_ROUTE, route);
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
      if (aborted) span.setStatus({ code: SpanStatusCode.ERROR, message: 'client closed the connection' });
      else if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    res.once('finish', () => {
      end(false);
    });
    res.once('close', () => {
      end(!res.writableFinished);
    });
    context.with(active, next);
  };
}
