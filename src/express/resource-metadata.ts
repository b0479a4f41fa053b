import type { Request, RequestHandler, Response, NextFunction } from 'express';
import type { ResourceMetadata } from '../core/resource/metadata.js';

/**
 * Middleware serving the RFC 9728 document at its well-known path (GET and HEAD); every other request passes
 * on untouched. Mount it on the app itself (`app.use(...)`), not under a prefix: the path is absolute.
 */
export function metadataMiddleware(metadata: ResourceMetadata): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!metadata.matches(req.method, req.url)) return next();
    const answer = metadata.answer();
    res.status(answer.status).set(answer.headers).json(answer.body);
  };
}
