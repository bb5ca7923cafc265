import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { IntrusionDetection } from './intrusion-detection.service.js';

/**
 * Mounted right after the request id and security headers (src/configure-app.ts): a blocked
 * client is refused before its body is read or any guard runs, through the global problem filter
 * (next(problem)); every response, including refusals by later middleware, guards, validation
 * and unknown routes, is observed when it finishes. Nothing here depends on the audit module.
 */
export function intrusionDetectionMiddleware(ids: IntrusionDetection): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!ids.enabled) return next();
    res.once('finish', () => void ids.observe(req, res.statusCode));
    void ids.refusal(req).then((problem) => next(problem));
  };
}
