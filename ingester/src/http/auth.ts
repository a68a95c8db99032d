import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Constant-time comparison: both sides are hashed first, so neither length nor content leaks. */
export function tokensMatch(expected: string, presented: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b);
}

function bearer(req: Request): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
  return match?.[1];
}

/** Requires `Authorization: Bearer <token>` when a token is configured; open otherwise. */
export function requireToken(token: string | undefined, name: string): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!token) return next();
    const presented = bearer(req);
    if (!presented) {
      res
        .status(401)
        .json({ error: `missing "Authorization: Bearer <token>" header; this API requires ${name}` });
      return;
    }
    if (!tokensMatch(token, presented)) {
      res.status(401).json({ error: `the bearer token does not match ${name}` });
      return;
    }
    next();
  };
}

/** The admin token guards actions that change things; without one configured they are disabled. */
export function requireAdmin(adminToken: string | undefined): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!adminToken) {
      res
        .status(403)
        .json({ error: 'starting a sync over the API is disabled: set INGESTER_ADMIN_TOKEN to enable it' });
      return;
    }
    const presented = bearer(req);
    if (!presented || !tokensMatch(adminToken, presented)) {
      res.status(403).json({ error: 'this action needs "Authorization: Bearer <INGESTER_ADMIN_TOKEN>"' });
      return;
    }
    next();
  };
}
