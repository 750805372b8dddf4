import { AdoError } from '../errors';
import type { Federation } from '../ports';
import { loc } from '../text/messages';
import { nodeReason } from './errors';
import { answerExcerpt, PLAIN_REFUSAL, type HttpClientLike } from './rest';

/** The resource id of Azure DevOps in Microsoft Entra ID: tokens for it are Azure DevOps access tokens. */
const AZURE_DEVOPS_SCOPE = '499b84ac-1321-427f-aa17-267ca6975798/.default';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
// What the ID token request answers a pipeline the connection is not authorized for (or not shared with).
const REFUSED_FOR_PIPELINE: ReadonlySet<number> = new Set([400, 403, 404]);
// Microsoft Entra ID's refusals of an ID token that no federated credential of the app matches: none configured
// (AADSTS70025), none for its issuer (AADSTS700211) or its subject (AADSTS700213), or neither said (AADSTS70021).
const NO_MATCHING_CREDENTIAL: ReadonlySet<string> = new Set([
  'AADSTS70021',
  'AADSTS700211',
  'AADSTS700213',
  'AADSTS70025',
]);
// Workload identity federation constrained or turned off in the tenant, for the issuer or the kind of identity.
const FEDERATION_CONSTRAINED: ReadonlySet<string> = new Set(['AADSTS700223', 'AADSTS700238']);

/**
 * The access token of a federated connection: the job asks the pipeline for an ID token of the connection, and
 * Microsoft Entra ID exchanges it (the documented client-credentials request with a client assertion) for an
 * Azure DevOps access token. Asked for at first use; renewed once, when the service says a token expired.
 */

export class FederatedToken {
  private current: Promise<string> | undefined;
  private renewed = false;

  constructor(
    private readonly federation: Federation,
    /** Sends the token requests: the agent's proxy and certificates, no credential handler. */
    private readonly http: HttpClientLike,
    /** Each ID token and access token joins the values no output may carry, before anything can print it. */
    private readonly secret: (value: string) => void,
    /** The values no output may carry, asked at each use: an error quoting an answer masks them first. */
    private readonly secrets: () => readonly string[],
  ) {}

  /** The access token, asked for on the first call. */
  token(): Promise<string> {
    this.current ??= this.fetch();
    return this.current;
  }

  /** A new access token in place of `stale`, at most once a run; undefined when it was renewed already. */
  async renew(stale: string): Promise<string | undefined> {
    const now = await this.token();
    if (now !== stale) return now;
    if (this.renewed) return undefined;
    this.renewed = true;
    this.current = this.fetch();
    return this.current;
  }

  private async fetch(): Promise<string> {
    const idToken = await this.idToken();
    this.secret(idToken);
    const accessToken = await this.exchange(idToken);
    this.secret(accessToken);
    return accessToken;
  }

  private async idToken(): Promise<string> {
    const { connection, oidcRequestUri, jobToken } = this.federation;
    const url = new URL(oidcRequestUri);
    url.searchParams.set('api-version', '7.1');
    url.searchParams.set('serviceConnectionId', connection);
    const answer = await this.post(url.toString(), '{}', {
      Authorization: `Bearer ${jobToken}`,
      'Content-Type': 'application/json',
      Accept: 'application/json',
      [PLAIN_REFUSAL]: 'Suppress',
    });
    const token = answer.status === 200 ? stringField(answer.json, 'oidcToken') : undefined;
    if (token) return token;
    const said =
      stringField(answer.json, 'message') ?? (answerExcerpt(answer.body, this.secrets(), 300) || '-');
    // Refused for the pipeline: not authorized to use the connection. Anything else (the job's own token refused,
    // the service failing) says what the service said, not that advice.
    const status = `HTTP ${answer.status}`;
    const message = REFUSED_FOR_PIPELINE.has(answer.status)
      ? loc('OidcRefused', connection, status, connection, said)
      : loc('OidcFailed', connection, status, said);
    throw new AdoError(message, { status: answer.status, serviceMessage: said });
  }

  private async exchange(idToken: string): Promise<string> {
    const { connection, authority, tenantId, clientId } = this.federation;
    const form = new URLSearchParams({
      client_id: clientId,
      client_assertion_type: JWT_BEARER,
      client_assertion: idToken,
      grant_type: 'client_credentials',
      scope: AZURE_DEVOPS_SCOPE,
    });
    const url = `${authority}${encodeURIComponent(tenantId)}/oauth2/v2.0/token`;
    const answer = await this.post(url, form.toString(), {
      'Content-Type': 'application/x-www-form-urlencoded',
      Accept: 'application/json',
    });
    const token = answer.status === 200 ? stringField(answer.json, 'access_token') : undefined;
    if (token) return token;
    const description =
      stringField(answer.json, 'error_description') ??
      (answerExcerpt(answer.body, this.secrets(), 300) || '-');
    const code = /\bAADSTS\d+\b/.exec(description)?.[0];
    const options = { status: answer.status, code, serviceMessage: description };
    throw new AdoError(
      this.refusal(code, idToken) ??
        loc('TokenExchangeFailed', connection, code ?? `HTTP ${answer.status}`, description),
      options,
    );
  }

  /** What to fix for a refusal of the exchange whose cause Microsoft documents; undefined for any other. */
  private refusal(code: string | undefined, idToken: string): string | undefined {
    const { connection, tenantId, clientId } = this.federation;
    if (code === undefined) return undefined;
    if (NO_MATCHING_CREDENTIAL.has(code)) {
      const claims = claimsOf(idToken);
      return loc(
        'FederatedCredentialMissing',
        clientId,
        connection,
        code,
        claims.iss ?? '?',
        claims.sub ?? '?',
      );
    }
    if (FEDERATION_CONSTRAINED.has(code)) {
      return loc('FederationConstrained', tenantId, clientId, connection, code, claimsOf(idToken).iss ?? '?');
    }
    if (code === 'AADSTS70052') return loc('FederatedAppMultitenant', clientId, connection);
    if (code === 'AADSTS700016') return loc('FederatedAppNotFound', clientId, tenantId, connection);
    return undefined;
  }

  private async post(
    url: string,
    body: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; body: string; json: unknown }> {
    let response: Awaited<ReturnType<HttpClientLike['request']>>;
    let text: string;
    try {
      response = await this.http.request('POST', url, body, headers);
      text = await response.readBody();
    } catch (error) {
      // A failure to reach the sign-in's own hosts (the pipeline's ID token endpoint, the authority) would
      // otherwise be told as one of the organization the token is for.
      throw unreachable(this.federation.connection, url, error);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.message.statusCode ?? 0, body: text, json };
  }
}

function unreachable(connection: string, url: string, error: unknown): AdoError {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const said = typeof message === 'string' ? nodeReason(message) : String(error);
  const reason = typeof code === 'string' && !said.includes(code) ? `${code}: ${said}` : said;
  return new AdoError(loc('FederationUnreachable', connection, new URL(url).origin, reason), {
    cause: error,
  });
}

function stringField(json: unknown, name: string): string | undefined {
  const value = (json as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The issuer and subject an ID token presents (its payload is not secret; the token as a whole is). */
export function claimsOf(jwt: string): { iss?: string; sub?: string } {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    return {
      iss: typeof payload['iss'] === 'string' ? payload['iss'] : undefined,
      sub: typeof payload['sub'] === 'string' ? payload['sub'] : undefined,
    };
  } catch {
    return {};
  }
}

/**
 * Sends every request of `client` with the federated access token, asked for before the first one; a request
 * that meets 401 (an expired token, TF400813) is sent once more with a renewed token. A streamed body cannot be
 * sent twice: its 401 goes to the caller.
 */
export function authorizeWith(client: HttpClientLike, source: FederatedToken): void {
  const send = client.request.bind(client);
  client.request = async (verb, url, data, headers) => {
    const token = await source.token();
    const response = await send(verb, url, data, { ...headers, Authorization: `Bearer ${token}` });
    if (response.message.statusCode !== 401 || (data !== null && typeof data !== 'string')) return response;
    const renewed = await source.renew(token);
    if (renewed === undefined) return response;
    await response.readBody();
    return send(verb, url, data, { ...headers, Authorization: `Bearer ${renewed}` });
  };
}
