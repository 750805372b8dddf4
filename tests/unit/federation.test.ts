import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { authorizeWith, claimsOf, FederatedToken } from '../../tasks/PipelineWorkItem/src/ado/federation';
import { permissionFix, toAdoError } from '../../tasks/PipelineWorkItem/src/ado/errors';
import type { HttpClientLike } from '../../tasks/PipelineWorkItem/src/ado/rest';
import { AdoError } from '../../tasks/PipelineWorkItem/src/errors';
import { loc } from '../../tasks/PipelineWorkItem/src/text/messages';
import type { Federation } from '../../tasks/PipelineWorkItem/src/ports';

const FEDERATION: Federation = {
  connection: 'arm-id',
  oidcRequestUri:
    'https://dev.azure.com/fabrikam/p/_apis/distributedtask/hubs/build/plans/1/jobs/2/oidctoken',
  jobToken: 'job-token',
  tenantId: 'tenant',
  clientId: 'client',
  authority: 'https://login.microsoftonline.com/',
};

interface Sent {
  verb: string;
  url: string;
  data: string | NodeJS.ReadableStream | null;
  headers: Record<string, string>;
}

type Answer = { status: number; body: unknown };

/** An HttpClientLike that answers from `answer` and records what was sent. */
function fakeHttp(answer: (sent: Sent) => Answer): HttpClientLike & { sent: Sent[] } {
  const sent: Sent[] = [];
  return {
    sent,
    request: async (verb, url, data, headers) => {
      const request = { verb, url, data, headers };
      sent.push(request);
      const { status, body } = answer(request);
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      return {
        message: Object.assign(Readable.from([]), { statusCode: status, headers: {} }),
        readBody: async () => text,
      };
    },
  };
}

const jwt = (claims: object): string =>
  `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.signature`;
const ID_TOKENS = [
  jwt({ iss: 'https://vstoken.dev.azure.com/org', sub: 'sc://fabrikam/WebApp/wif', n: 1 }),
  jwt({ n: 2 }),
];

/** OIDC answers ID token n, Entra answers access-n; `entra` overrides Entra's answer. */
function services(entra?: (sent: Sent) => Answer): HttpClientLike & { sent: Sent[] } {
  let issued = 0;
  return fakeHttp((sent) => {
    if (sent.url.includes('oidctoken')) return { status: 200, body: { oidcToken: ID_TOKENS[issued++ % 2] } };
    return entra?.(sent) ?? { status: 200, body: { access_token: `access-${issued}`, expires_in: 3599 } };
  });
}

/** A token source over `http` that keeps no secrets: for the tests that look only at requests and refusals. */
const quietToken = (http: HttpClientLike): FederatedToken =>
  new FederatedToken(
    FEDERATION,
    http,
    () => undefined,
    () => [],
  );

describe('federated token', () => {
  it('asks for the ID token with the job token, then exchanges it with the documented request', async () => {
    const http = services();
    const secrets: string[] = [];
    const source = new FederatedToken(
      FEDERATION,
      http,
      (value) => secrets.push(value),
      () => secrets,
    );
    assert.equal(await source.token(), 'access-1');
    assert.equal(await source.token(), 'access-1', 'asked once');
    const [oidc, exchange] = http.sent;
    assert.equal(http.sent.length, 2);
    assert.equal(oidc?.verb, 'POST');
    assert.equal(oidc?.url, `${FEDERATION.oidcRequestUri}?api-version=7.1&serviceConnectionId=arm-id`);
    assert.equal(oidc?.headers['X-TFS-FedAuthRedirect'], 'Suppress', 'refused, a 401, not the sign-in page');
    assert.equal(oidc?.headers['Authorization'], 'Bearer job-token');
    assert.equal(oidc?.data, '{}');
    assert.equal(oidc?.headers['Content-Type'], 'application/json');
    assert.equal(oidc?.headers['Accept'], 'application/json');
    assert.equal(exchange?.headers['Accept'], 'application/json');
    assert.equal(exchange?.url, 'https://login.microsoftonline.com/tenant/oauth2/v2.0/token');
    assert.equal(exchange?.headers['Content-Type'], 'application/x-www-form-urlencoded');
    assert.equal(exchange?.headers['Authorization'], undefined);
    assert.deepEqual(Object.fromEntries(new URLSearchParams(String(exchange?.data))), {
      client_id: 'client',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: ID_TOKENS[0],
      grant_type: 'client_credentials',
      scope: '499b84ac-1321-427f-aa17-267ca6975798/.default',
    });
    assert.deepEqual(secrets, [ID_TOKENS[0], 'access-1'], 'both tokens are secrets');
  });

  it('renews once, and only a token that is still the current one', async () => {
    const source = quietToken(services());
    const first = await source.token();
    assert.equal(await source.renew('older'), first, 'a stale token already replaced');
    const second = await source.renew(first);
    assert.equal(second, 'access-2');
    assert.equal(await source.renew('access-2'), undefined, 'at most one renewal a run');
  });

  it('an ID token request refused: the pipeline is not authorized to use the connection', async () => {
    const http = fakeHttp(() => ({ status: 403, body: { message: 'Pipeline is not authorized.' } }));
    await assert.rejects(
      quietToken(http).token(),
      (error: unknown) =>
        error instanceof AdoError &&
        error.status === 403 &&
        error.message ===
          "Could not get an ID token for service connection 'arm-id' (HTTP 403): the pipeline is not authorized to use it. Authorize it (Project settings > Service connections, the connection whose id is arm-id > Security > Pipeline permissions), or approve the run's resource request. The service said: Pipeline is not authorized.",
    );
    const html = fakeHttp(() => ({ status: 500, body: '<html>oops</html>' }));
    await assert.rejects(quietToken(html).token(), /The service said: <html>oops<\/html>$/);
    // The job's own token refused, or the service failing: what it said, not the advice about authorizing.
    for (const status of [401, 500]) {
      const failed = fakeHttp(() => ({ status, body: { message: 'Token expired.' } }));
      await assert.rejects(
        quietToken(failed).token(),
        (error: unknown) =>
          error instanceof AdoError &&
          error.message === loc('OidcFailed', 'arm-id', `HTTP ${status}`, 'Token expired.'),
      );
    }
    const empty = fakeHttp(() => ({ status: 200, body: {} }));
    await assert.rejects(quietToken(empty).token(), /\(HTTP 200\)/);
  });

  it('only a 200 answer’s token is taken, and only a token that is a non-empty string', async () => {
    const refusals: [string, Answer, RegExp][] = [
      ['an ID token in an error answer', { status: 500, body: { oidcToken: 'id' } }, /\(HTTP 500\)/],
      ['an empty ID token', { status: 200, body: { oidcToken: '' } }, /\(HTTP 200\)/],
      ['an ID token that is no string', { status: 200, body: { oidcToken: 7 } }, /\(HTTP 200\)/],
      [
        'a long error page, cut',
        { status: 502, body: `<html>${'x'.repeat(400)}</html>` },
        /said: <html>x{293}…$/,
      ],
      ['an empty error answer', { status: 502, body: '' }, /said: -$/],
    ];
    for (const [name, answer, says] of refusals) {
      const http = fakeHttp(() => answer);
      await assert.rejects(quietToken(http).token(), says, name);
    }
    const exchanges: [string, Answer, RegExp][] = [
      ['an access token in an error answer', { status: 400, body: { access_token: 'a' } }, /\(HTTP 400\)/],
      ['an empty access token', { status: 200, body: { access_token: '' } }, /\(HTTP 200\)/],
      [
        'a long error page, cut',
        { status: 502, body: `<p>${'y'.repeat(400)}</p>` },
        /\(HTTP 502\): <p>y{296}…$/,
      ],
      ['an empty error answer', { status: 502, body: '' }, /\(HTTP 502\): -$/],
    ];
    for (const [name, answer, says] of exchanges) {
      await assert.rejects(quietToken(services(() => answer)).token(), says, name);
    }
  });

  it('an error page that echoes the ID token at the cut is masked before it is cut', async () => {
    const secrets: string[] = [];
    // The ID token starts 5 characters before the 300th: a cut before the mask would keep 5 of it.
    const http = services((sent) => ({
      status: 400,
      body: `${'z'.repeat(294)}${new URLSearchParams(String(sent.data)).get('client_assertion')}${'z'.repeat(50)}`,
    }));
    const refused = new FederatedToken(
      FEDERATION,
      http,
      (value) => secrets.push(value),
      () => secrets,
    ).token();
    await assert.rejects(refused, (error: unknown) => {
      const { message } = error as Error;
      assert.ok(message.endsWith(`(HTTP 400): ${'z'.repeat(294)}***zz…`), message.slice(-40));
      assert.ok(!message.includes((ID_TOKENS[0] ?? '').slice(0, 4)));
      return true;
    });
  });

  it('AADSTS70021 for an ID token without readable claims: the issuer and subject unknown', async () => {
    const http = fakeHttp((sent) =>
      sent.url.includes('oidctoken')
        ? { status: 200, body: { oidcToken: jwt({ iss: 5, sub: 6 }) } }
        : {
            status: 400,
            body: { error_description: 'AADSTS70021: No matching federated identity record found.' },
          },
    );
    await assert.rejects(quietToken(http).token(), /with issuer '\?' and subject '\?'/);
  });

  it('AADSTS70021: names the issuer and the subject the ID token presented', async () => {
    const http = services(() => ({
      status: 400,
      body: {
        error: 'invalid_request',
        error_description: 'AADSTS70021: No matching federated identity record found.',
      },
    }));
    await assert.rejects(
      quietToken(http).token(),
      (error: unknown) =>
        error instanceof AdoError &&
        error.code === 'AADSTS70021' &&
        error.message ===
          "Microsoft Entra ID found no federated credential of app client that matches the ID token of service connection 'arm-id' (AADSTS70021). Add a federated credential with issuer 'https://vstoken.dev.azure.com/org' and subject 'sc://fabrikam/WebApp/wif' to that app registration or managed identity.",
    );
  });

  /** The error the token ends with when Microsoft Entra ID refuses the exchange with `description`. */
  async function exchangeRefusal(description: string): Promise<AdoError> {
    const http = services(() => ({ status: 400, body: { error_description: description } }));
    const error = await quietToken(http)
      .token()
      .then(
        () => undefined,
        (refusal: unknown) => refusal,
      );
    assert.ok(error instanceof AdoError, String(error));
    return error;
  }

  it('AADSTS700211, AADSTS700213 and AADSTS70025: the same fix as AADSTS70021, under the code Entra gave', async () => {
    for (const code of ['AADSTS700211', 'AADSTS700213', 'AADSTS70025']) {
      const error = await exchangeRefusal(`${code}: No matching federated identity record found.`);
      assert.equal(error.code, code);
      assert.equal(
        error.message,
        `Microsoft Entra ID found no federated credential of app client that matches the ID token of service connection 'arm-id' (${code}). Add a federated credential with issuer 'https://vstoken.dev.azure.com/org' and subject 'sc://fabrikam/WebApp/wif' to that app registration or managed identity.`,
      );
    }
  });

  it('AADSTS700223 and AADSTS700238: federation constrained in the tenant, naming the issuer to allow', async () => {
    for (const code of ['AADSTS700223', 'AADSTS700238']) {
      const error = await exchangeRefusal(`${code}: Workload identity federation is constrained.`);
      assert.equal(error.code, code);
      assert.equal(
        error.message,
        `Microsoft Entra ID tenant tenant does not let app client of service connection 'arm-id' sign in with workload identity federation (${code}): the tenant's administrators have constrained or turned off federation for this issuer or this kind of identity. Ask them to allow the issuer 'https://vstoken.dev.azure.com/org', or use a managed identity for the connection.`,
      );
    }
  });

  it('AADSTS70052: a multitenant app registration, with the setting that makes it single-tenant', async () => {
    const error = await exchangeRefusal(
      'AADSTS70052: The identity must be a managed identity or a single tenant app.',
    );
    assert.equal(error.code, 'AADSTS70052');
    assert.equal(
      error.message,
      "App client of service connection 'arm-id' is a multitenant app registration, and Microsoft Entra ID signs in this organization's ID tokens only as a managed identity or a single-tenant app (AADSTS70052). Set the app registration's signInAudience to AzureADMyOrg, or use a managed identity.",
    );
  });

  it('AADSTS700016 and other refusals of the exchange', async () => {
    const notFound = services(() => ({
      status: 400,
      body: { error_description: 'AADSTS700016: Application not found.' },
    }));
    await assert.rejects(
      quietToken(notFound).token(),
      /^AdoError: Microsoft Entra ID has no application client in tenant tenant \(AADSTS700016\)\. Check the service principal \(client\) id and the tenant id of service connection 'arm-id'/,
    );
    const other = services(() => ({
      status: 401,
      body: { error_description: 'AADSTS7000215: Invalid client secret.' },
    }));
    await assert.rejects(
      quietToken(other).token(),
      /^AdoError: Microsoft Entra ID refused the token exchange for service connection 'arm-id' \(AADSTS7000215\): AADSTS7000215: Invalid client secret\.$/,
    );
    const down = services(() => ({ status: 503, body: 'unavailable' }));
    await assert.rejects(quietToken(down).token(), /\(HTTP 503\): unavailable$/);
  });

  it('an ID token in a refusal is not taken: the refusal is told, and no exchange is asked for', async () => {
    const http = fakeHttp(() => ({ status: 500, body: { oidcToken: 'id', message: 'Internal error.' } }));
    await assert.rejects(
      quietToken(http).token(),
      (error: unknown) =>
        error instanceof AdoError &&
        error.message === loc('OidcFailed', 'arm-id', 'HTTP 500', 'Internal error.'),
    );
    assert.equal(http.sent.length, 1);
  });

  it('an ID token that is no string, or empty, is no token: the refusal is told, and no exchange is asked for', async () => {
    for (const oidcToken of [7, '']) {
      const http = fakeHttp(() => ({ status: 200, body: { oidcToken, message: 'No token.' } }));
      await assert.rejects(
        quietToken(http).token(),
        (error: unknown) =>
          error instanceof AdoError && error.message === loc('OidcFailed', 'arm-id', 'HTTP 200', 'No token.'),
        String(oidcToken),
      );
      assert.equal(http.sent.length, 1, String(oidcToken));
    }
  });

  it('a refusal whose message is empty is told by its answer’s text', async () => {
    const http = fakeHttp(() => ({ status: 403, body: { message: '' } }));
    await assert.rejects(
      quietToken(http).token(),
      (error: unknown) =>
        error instanceof AdoError &&
        error.message === loc('OidcRefused', 'arm-id', 'HTTP 403', 'arm-id', '{"message":""}'),
    );
  });

  it('the sign-in’s hosts unreachable: the message names the host and the reason, with its code once', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.9:443'), { code: 'ECONNREFUSED' });
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const plain = new Error('certificate has expired');
    const node24 = Object.assign(
      new Error(
        'unable to get local issuer certificate; if the root CA is installed locally, try running Node.js with --use-system-ca',
      ),
      { code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' },
    );
    const cases: [string, unknown, string][] = [
      ['a code the message names', refused, 'connect ECONNREFUSED 10.0.0.9:443'],
      ['a code the message leaves out', reset, 'ECONNRESET: socket hang up'],
      ['no code', plain, 'certificate has expired'],
      [
        'Node.js 24’s advice about its own flags left out',
        node24,
        'UNABLE_TO_GET_ISSUER_CERT_LOCALLY: unable to get local issuer certificate',
      ],
      ['no error object', 'tunnel failed', 'tunnel failed'],
    ];
    for (const [name, thrown, reason] of cases) {
      const oidc: HttpClientLike = {
        request: () => Promise.reject(thrown),
      };
      await assert.rejects(
        quietToken(oidc).token(),
        (error: unknown) =>
          error instanceof AdoError &&
          error.message === loc('FederationUnreachable', 'arm-id', 'https://dev.azure.com', reason) &&
          error.cause === thrown,
        name,
      );
    }
    const entraDown = fakeHttp((sent) => {
      if (sent.url.includes('oidctoken')) return { status: 200, body: { oidcToken: ID_TOKENS[0] } };
      throw reset;
    });
    await assert.rejects(
      quietToken(entraDown).token(),
      (error: unknown) =>
        error instanceof AdoError &&
        error.message ===
          loc(
            'FederationUnreachable',
            'arm-id',
            'https://login.microsoftonline.com',
            'ECONNRESET: socket hang up',
          ),
    );
    const cutOff = fakeHttp(() => ({ status: 200, body: {} }));
    const readFails: HttpClientLike = {
      request: async (...args) => ({
        ...(await cutOff.request(...args)),
        readBody: () => Promise.reject(reset),
      }),
    };
    await assert.rejects(
      quietToken(readFails).token(),
      (error: unknown) =>
        error instanceof AdoError &&
        error.message ===
          loc('FederationUnreachable', 'arm-id', 'https://dev.azure.com', 'ECONNRESET: socket hang up'),
    );
  });

  it('reads the claims of an ID token, and nothing from a malformed one', () => {
    assert.deepEqual(claimsOf(jwt({ iss: 'i', sub: 's' })), { iss: 'i', sub: 's' });
    assert.deepEqual(claimsOf(jwt({ iss: 1 })), { iss: undefined, sub: undefined });
    assert.deepEqual(claimsOf('not-a-jwt'), {});
  });
});

describe('requests with a federated token', () => {
  it('carry the token, and are sent once more with a renewed one after a 401', async () => {
    let boardsCalls = 0;
    const boards = fakeHttp(() => ({ status: ++boardsCalls === 1 ? 401 : 200, body: {} }));
    const source = quietToken(services());
    authorizeWith(boards, source);
    const response = await boards.request('POST', 'https://dev.azure.com/x/_apis/wit', '[]', { Accept: 'a' });
    assert.equal(response.message.statusCode, 200);
    assert.deepEqual(
      boards.sent.map((s) => [s.headers['Authorization'], s.headers['Accept']]),
      [
        ['Bearer access-1', 'a'],
        ['Bearer access-2', 'a'],
      ],
    );
  });

  it('an accepted request is sent once, its token asked for once', async () => {
    const boards = fakeHttp(() => ({ status: 200, body: {} }));
    const tokens = services();
    authorizeWith(boards, quietToken(tokens));
    assert.equal((await boards.request('GET', 'https://x/', null, {})).message.statusCode, 200);
    assert.equal((await boards.request('GET', 'https://x/', null, {})).message.statusCode, 200);
    assert.equal(boards.sent.length, 2);
    assert.equal(tokens.sent.length, 2, 'one ID token request and one exchange');
  });

  it('a second 401 goes to the caller; so does the 401 of a streamed body, which cannot be sent again', async () => {
    const boards = fakeHttp(() => ({ status: 401, body: {} }));
    authorizeWith(boards, quietToken(services()));
    assert.equal((await boards.request('GET', 'https://x/', null, {})).message.statusCode, 401);
    assert.equal((await boards.request('GET', 'https://x/', null, {})).message.statusCode, 401);
    assert.equal(boards.sent.length, 3, 'renewed once in the run');
    const uploads = fakeHttp(() => ({ status: 401, body: {} }));
    authorizeWith(uploads, quietToken(services()));
    await uploads.request('POST', 'https://x/', Readable.from(['bytes']), {});
    assert.equal(uploads.sent.length, 1);
  });
});

describe('errors of a federated identity', () => {
  const identity = { kind: 'connection', connection: 'arm-id', servicePrincipal: 'client' } as const;
  const call = {
    action: "create the Bug in project 'WebApp'",
    url: 'https://dev.azure.com/contoso/',
    project: 'WebApp',
    identity,
  };

  it('401 after the exchange: add the service principal to the organization with Basic access', () => {
    const refused = Object.assign(
      new Error('TF400813: The user is not authorized to access this resource.'),
      {
        statusCode: 401,
      },
    );
    assert.equal(
      toAdoError(refused, call).message,
      "Could not create the Bug in project 'WebApp': Azure DevOps did not accept the service principal (client id client) of service connection 'arm-id' (TF400813) after a successful token exchange. Add the service principal to organization contoso with Basic access (Organization settings > Users > Add users), then give it the area permission.",
    );
    assert.match(
      toAdoError(Object.assign(new Error('no'), { statusCode: 401 }), call).message,
      /\(HTTP 401\)/,
    );
  });

  it('the area permission names the service principal of the connection', () => {
    assert.match(
      permissionFix(call),
      /^Give the service principal \(client id client\) of service connection 'arm-id' /,
    );
  });
});
