/**
 * Bearer tokens with two roles: `viewer` reads (API, WebSocket, wallboard data) and `operator`
 * also acknowledges alerts. Tokens come from `auth.tokens` as `role:token` or `role:name:token`.
 * A request carries its token as `Authorization: Bearer …` or `?token=…` (browsers cannot set
 * headers on a WebSocket). With no tokens configured the server is open: everyone is an operator,
 * and the server logs a warning saying so.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { TOKEN_SPEC_PATTERN } from '../config/app-config.js';

export type Role = 'viewer' | 'operator';

export interface Principal {
  name: string;
  role: Role;
}

export { TOKEN_SPEC_PATTERN };

/** Everyone, on a server without tokens. */
export const ANONYMOUS_OPERATOR: Principal = { name: 'anonymous', role: 'operator' };

export interface Authenticator {
  /** False when no tokens are configured: every request is ANONYMOUS_OPERATOR. */
  readonly enabled: boolean;
  /** The principal a request's token names; null when the token is missing or unknown. */
  authenticate(request: { headers: IncomingHttpHeaders; url?: string | undefined }): Principal | null;
}

const digest = (token: string) => createHash('sha256').update(token).digest('base64');

export function parseTokenSpec(spec: string): { principal: Principal; token: string } {
  if (!new RegExp(TOKEN_SPEC_PATTERN).test(spec)) {
    throw new RangeError('a token must be written role:token or role:name:token (role viewer or operator)');
  }
  const parts = spec.split(':');
  const role = parts[0] as Role;
  const token = parts[parts.length - 1]!;
  const name = parts.length === 3 ? parts[1]! : `${role}-${digest(token).slice(0, 6)}`;
  return { principal: { name, role }, token };
}

export function createAuthenticator(tokenSpecs: readonly string[]): Authenticator {
  // Looked up by digest, so the comparison does not leak a token's prefix through timing.
  const byDigest = new Map<string, Principal>();
  for (const spec of tokenSpecs) {
    const { principal, token } = parseTokenSpec(spec);
    byDigest.set(digest(token), principal);
  }
  const enabled = byDigest.size > 0;
  return {
    enabled,
    authenticate(request) {
      if (!enabled) return ANONYMOUS_OPERATOR;
      const token = tokenOf(request);
      return token === null ? null : (byDigest.get(digest(token)) ?? null);
    },
  };
}

function tokenOf(request: { headers: IncomingHttpHeaders; url?: string | undefined }): string | null {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match) return match[1]!;
  }
  const url = request.url ?? '';
  const q = url.indexOf('?');
  if (q >= 0) {
    const token = new URLSearchParams(url.slice(q + 1)).get('token');
    if (token) return token;
  }
  return null;
}

export function mayAct(principal: Principal, needed: Role): boolean {
  return needed === 'viewer' || principal.role === 'operator';
}
