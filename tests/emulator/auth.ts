// Authentication against the tokens set through the control API: `Bearer <token>` (the job's
// OAuth token) or Basic with the token as password and any user name (a PAT). No tokens = every
// request is rejected, so a test cannot pass by accident without credentials.
import { timingSafeEqual } from 'node:crypto';
import { findPersonByUniqueName } from './identities';
import { BUILD_IDENTITY, type Person } from './org';
import type { TokenSpec } from './types';

export type Scheme = 'Bearer' | 'Basic';

export interface Credential {
  scheme: Scheme;
  secret: string;
}

export function parseAuthorization(header: string | undefined): Credential | undefined {
  const m = /^(Bearer|Basic)\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const scheme: Scheme = m[1].toLowerCase() === 'bearer' ? 'Bearer' : 'Basic';
  if (scheme === 'Bearer') return { scheme, secret: m[2] };
  const decoded = Buffer.from(m[2], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { scheme, secret: decoded.slice(colon + 1) };
}

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The token the credential presents, or undefined (→ 401). */
export function tokenOf(cred: Credential | undefined, tokens: TokenSpec[]): TokenSpec | undefined {
  if (!cred || cred.secret === '') return undefined;
  return tokens.find((t) => (!t.scheme || t.scheme === cred.scheme) && same(t.token, cred.secret));
}

/** The identity the credential authenticates as, or undefined (→ 401). */
export function authenticate(cred: Credential | undefined, tokens: TokenSpec[]): Person | undefined {
  const spec = tokenOf(cred, tokens);
  if (!spec) return undefined;
  return spec.identity ? (findPersonByUniqueName(spec.identity) ?? BUILD_IDENTITY) : BUILD_IDENTITY;
}

/** Whether the token's identity was given `project` (by name, in any case). */
export function seesProject(spec: TokenSpec | undefined, project: string): boolean {
  return spec?.projects?.some((name) => name.toLowerCase() === project.toLowerCase()) ?? true;
}

export const WWW_AUTHENTICATE =
  'Bearer authorization_uri=https://login.microsoftonline.com/common, Basic realm="emulator"';
