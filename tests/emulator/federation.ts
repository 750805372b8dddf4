// Workload identity federation, the two parts the service and Microsoft Entra ID play:
// - the job's ID token request (`POST {System.OidcRequestUri}?api-version=7.1&serviceConnectionId={id}` with the
//   job token → `{"oidcToken": …}`; Azure DevOps "Oidctoken - Create", distributedtask area, 7.1-preview.1), for
//   the service connections a test names;
// - the Microsoft identity platform's token endpoint (`POST {authority}/{tenant}/oauth2/v2.0/token`,
//   client-credentials grant with a client assertion: Microsoft Learn, "Microsoft identity platform and the
//   OAuth 2.0 client credentials flow", "Third case: Access token request with a federated credential"), for
//   the app registrations a test names. It checks the assertion (signature, audience, expiry), the client id,
//   the scope, and the federated credential's issuer and subject; it answers AADSTS700016 and AADSTS70021 as
//   documented in "Microsoft Entra authentication and authorization error codes". An access token it issues
//   is accepted by Boards on this host as the app's identity when the app was added to the organization.
// Token lifetimes, the signing of ID tokens (HS256 with a key every emulator process shares, in place of the
// issuer's published keys) and the wording of refusals other than the AADSTS codes are emulator-chosen.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Reply } from './context';
import { AdoError } from './errors';
import type { TokenSpec } from './types';
import { checkApiVersion } from './versions';

/** The resource Azure DevOps access tokens are issued for. */
export const AZURE_DEVOPS_SCOPE = '499b84ac-1321-427f-aa17-267ca6975798/.default';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** The audience Azure DevOps puts in the ID tokens of service connections. */
export const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';
const SIGNING_KEY = 'pipeline-work-items-emulator-oidc';
const ID_TOKEN_SECONDS = 600;

/** A service connection the job's pipeline is authorized to use. */
export interface FederatedConnectionSpec {
  /** Its id (what the task sends as serviceConnectionId). */
  id: string;
  /** Its name, in the subject `sc://<org>/<project>/<name>`. */
  name: string;
  project: string;
}

/** An app registration (or managed identity) and its federated credentials. */
export interface FederatedAppSpec {
  tenantId: string;
  clientId: string;
  credentials: { issuer: string; subject: string }[];
  /** Added to the organization: its access tokens are accepted by Boards here. */
  inOrganization: boolean;
  /** uniqueName it acts as in Boards; default the build service. */
  identity?: string;
}

export interface FederationSpec {
  connections?: FederatedConnectionSpec[];
  apps?: FederatedAppSpec[];
}

/** The tokens issued so far, for tests that look for them in what the task printed or stored. */
export interface IssuedTokens {
  idTokens: string[];
  accessTokens: string[];
}

export class Federation {
  spec: FederationSpec = {};
  issued: IssuedTokens = { idTokens: [], accessTokens: [] };
  /** Access tokens of apps not added to the organization, each with the identity Boards names in its refusal. */
  outsiders = new Map<string, string>();
}

export type FederationRoute = 'oidc' | 'entra';

/** Which federation endpoint a request is for, if any. */
export function federationRoute(method: string, segments: readonly string[]): FederationRoute | undefined {
  if (method !== 'POST') return undefined;
  const lower = segments.map((s) => s.toLowerCase());
  // {org}/{projectId}/_apis/distributedtask/hubs/{hub}/plans/{planId}/jobs/{jobId}/oidctoken
  if (
    lower.length === 11 &&
    lower[2] === '_apis' &&
    lower[3] === 'distributedtask' &&
    lower[10] === 'oidctoken'
  )
    return 'oidc';
  // {tenant}/oauth2/v2.0/token
  if (lower.length === 4 && lower[1] === 'oauth2' && lower[2] === 'v2.0' && lower[3] === 'token')
    return 'entra';
  return undefined;
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const sign = (data: string): string => createHmac('sha256', SIGNING_KEY).update(data).digest('base64url');

/** The issuer of the ID tokens of an organization (its id stands in for the organization's GUID). */
export function issuerOf(organization: string): string {
  return `https://vstoken.dev.azure.com/${organization}`;
}

/** The subject Azure DevOps gives a service connection's ID token. */
export function subjectOf(organization: string, project: string, connection: string): string {
  return `sc://${organization}/${project}/${connection}`;
}

// Oidctoken - Create is documented at 7.1-preview.1 only; clients reading System.OidcRequestUri send 7.1, which the
// service takes. Any other version is refused rather than guessed at (wording emulator-chosen).
const ID_TOKEN_VERSIONS = ['7.1', '7.1-preview', '7.1-preview.1'];

function checkIdTokenVersion(version: string | null, maxVersion: string): void {
  checkApiVersion('POST', version, maxVersion, '7.1');
  if (!ID_TOKEN_VERSIONS.includes(String(version).toLowerCase())) {
    throw new AdoError(
      400,
      `Emulator: the ID token request is served at api-version ${ID_TOKEN_VERSIONS.join(', ')} only, not ${String(version)}.`,
      'VssVersionNotSupportedException',
      'Microsoft.VisualStudio.Services.WebApi',
    );
  }
}

/**
 * Answers the job's ID token request. `jobTokenValid` says whether the Bearer token is the job's; `maxVersion` is
 * the latest REST version of the server being played.
 */
export function issueIdToken(
  federation: Federation,
  organization: string,
  jobTokenValid: boolean,
  query: Record<string, string>,
  apiVersion: string | null,
  maxVersion: string,
): Reply {
  if (!jobTokenValid) return { status: 401, json: { message: 'TF400813: The user is not authorized.' } };
  checkIdTokenVersion(apiVersion, maxVersion);
  const id = query['serviceConnectionId'] ?? '';
  const connection = federation.spec.connections?.find((c) => c.id.toLowerCase() === id.toLowerCase());
  if (!connection) {
    return {
      status: 403,
      json: {
        message: `Pipeline is not authorized to use service connection ${id}.`,
        typeKey: 'ResourceNotAuthorizedException',
      },
    };
  }
  const now = Math.floor(Date.now() / 1000);
  const header = b64({ alg: 'HS256', typ: 'JWT' });
  const payload = b64({
    iss: issuerOf(organization),
    sub: subjectOf(organization, connection.project, connection.name),
    aud: TOKEN_EXCHANGE_AUDIENCE,
    iat: now,
    nbf: now,
    exp: now + ID_TOKEN_SECONDS,
    jti: randomBytes(8).toString('hex'),
  });
  const oidcToken = `${header}.${payload}.${sign(`${header}.${payload}`)}`;
  federation.issued.idTokens.push(oidcToken);
  return { status: 200, json: { oidcToken } };
}

const refusal = (status: number, error: string, description: string): Reply => ({
  status,
  json: {
    error,
    error_description: description,
    error_codes: [Number(/AADSTS(\d+)/.exec(description)?.[1] ?? 0)],
  },
});

function verified(assertion: string): Record<string, unknown> | undefined {
  const [header, payload, signature] = assertion.split('.');
  if (!header || !payload || !signature) return undefined;
  const expected = Buffer.from(sign(`${header}.${payload}`));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * Answers a client-credentials request with a client assertion; an access token it issues joins `tokens`
 * (what Boards accepts) when the app is in the organization.
 */
export function exchangeToken(
  federation: Federation,
  tenant: string,
  form: URLSearchParams,
  tokens: TokenSpec[],
): Reply {
  const clientId = form.get('client_id') ?? '';
  if (form.get('grant_type') !== 'client_credentials')
    return refusal(
      400,
      'unsupported_grant_type',
      'AADSTS70003: The app requested an unsupported grant type.',
    );
  if (form.get('client_assertion_type') !== JWT_BEARER)
    return refusal(400, 'invalid_request', 'AADSTS50027: Invalid client_assertion_type.');
  if (form.get('scope') !== AZURE_DEVOPS_SCOPE)
    return refusal(
      400,
      'invalid_scope',
      `AADSTS70011: The provided value for the input parameter 'scope' is not valid.`,
    );
  const app = federation.spec.apps?.find(
    (a) =>
      a.tenantId.toLowerCase() === tenant.toLowerCase() &&
      a.clientId.toLowerCase() === clientId.toLowerCase(),
  );
  if (!app) {
    return refusal(
      400,
      'unauthorized_client',
      `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
    );
  }
  const claims = verified(form.get('client_assertion') ?? '');
  if (!claims || claims['aud'] !== TOKEN_EXCHANGE_AUDIENCE || Number(claims['exp']) * 1000 < Date.now())
    return refusal(
      400,
      'invalid_client',
      'AADSTS700024: Client assertion is not within its valid time range, or is not valid.',
    );
  if (!app.credentials.some((c) => c.issuer === claims['iss'] && c.subject === claims['sub'])) {
    return refusal(
      400,
      'invalid_request',
      `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${String(claims['iss'])}'. Assertion Subject: '${String(claims['sub'])}'. Assertion Audience: '${TOKEN_EXCHANGE_AUDIENCE}'.`,
    );
  }
  const accessToken = `eyJ0eXAiOiJKV1QifQ.${randomBytes(24).toString('base64url')}.${randomBytes(16).toString('base64url')}`;
  federation.issued.accessTokens.push(accessToken);
  if (app.inOrganization) tokens.push({ token: accessToken, scheme: 'Bearer', identity: app.identity });
  // Named as tenant\\tenant\\object id; the service principal's object id is played by its client id.
  else federation.outsiders.set(accessToken, `${app.tenantId}\\${app.tenantId}\\${app.clientId}`);
  return {
    status: 200,
    json: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: accessToken },
  };
}
