import { Router } from 'express';
import swaggerUi from 'swagger-ui-express';
import type { OpenApiDocument } from '../openapi/openapi-document';
import { docsSecurityHeaders } from '../security-headers';

/** `/openapi.json` and a page that renders it at `/docs`; public, like the document itself. */
export function docsRouter(document: OpenApiDocument): Router {
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  router.use(
    '/docs',
    docsSecurityHeaders,
    swaggerUi.serve,
    swaggerUi.setup(document, {
      customSiteTitle: 'durable-nurture API',
      // The API key stays in the page's memory: persisted, it would sit in localStorage for any script to read.
      swaggerOptions: { persistAuthorization: false },
    }),
  );
  return router;
}
