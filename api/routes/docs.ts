import { Router } from 'express';
import swaggerUi from 'swagger-ui-express';
import type { OpenApiDocument } from '../openapi/openapi-document';

/** `/openapi.json` and a page that renders it at `/docs`; public, like the document itself. */
export function docsRouter(document: OpenApiDocument): Router {
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  router.use(
    '/docs',
    swaggerUi.serve,
    swaggerUi.setup(document, {
      customSiteTitle: 'durable-nurture API',
      swaggerOptions: { persistAuthorization: true },
    }),
  );
  return router;
}
