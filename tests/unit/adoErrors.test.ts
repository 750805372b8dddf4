import * as assert from 'node:assert/strict';
import * as sinon from 'sinon';
import {
  organizationName,
  permissionFix,
  projectUnreadable,
  toAdoError,
} from '../../tasks/PipelineWorkItem/src/ado/errors';
import type { WriterIdentity } from '../../tasks/PipelineWorkItem/src/ports';
import { loc } from '../../tasks/PipelineWorkItem/src/text/messages';

const CALL = {
  action: "create the Bug in project 'WebApp'",
  url: 'https://dev.azure.com/fabrikam/',
  project: 'WebApp',
};

// The shape typed-rest-client throws for a status above 299.
function serviceError(statusCode: number, message: string, extra: object = {}): Error {
  return Object.assign(new Error(message), { statusCode, result: { message, ...extra } });
}

// The service's refusal of an item whose rules require `field`, left empty (InvalidEmpty), as toAdoError reads it.
function emptyRequired(
  field: string,
  name = field,
): { message: string; error: ReturnType<typeof toAdoError> } {
  const message = `TF401320: Rule Error for field ${name}. Error code: Required, InvalidEmpty.`;
  const rules = { RuleValidationErrors: [{ fieldReferenceName: field, errorMessage: message.slice(10) }] };
  return { message, error: toAdoError(serviceError(400, message, { customProperties: rules }), CALL) };
}

describe('Azure DevOps errors', () => {
  it('tells which identity needs which permission on TF237111', () => {
    const error = toAdoError(
      serviceError(
        403,
        'TF237111: The current user does not have permissions to save work items under the specified area path.',
      ),
      CALL,
    );
    assert.equal(error.code, 'TF237111');
    assert.equal(error.status, 403);
    assert.match(
      error.message,
      /^Could not create the Bug in project 'WebApp': the writing identity may not save work items under this area \(TF237111\)\./,
    );
    assert.match(error.message, /Give "WebApp Build Service \(fabrikam\)" \(the job token's identity/);
    assert.match(
      error.message,
      /or "Project Collection Build Service \(fabrikam\)" \(when it is the collection/,
    );
    assert.match(
      error.message,
      /"View work items in this node" and "Edit work items in this node" on the area/,
    );
    assert.doesNotMatch(error.message, /Create work items/);
  });

  it('TF401289: the identity may not create the task’s tags; names whom to give which permission, where', () => {
    const error = toAdoError(
      serviceError(403, 'TF401289: The current user does not have permissions to create tags.'),
      CALL,
    );
    assert.equal(error.code, 'TF401289');
    assert.match(
      error.message,
      /^Could not create the Bug in project 'WebApp': the writing identity may not create tags \(TF401289\)/,
    );
    assert.match(error.message, /Give "WebApp Build Service \(fabrikam\)" \(the job token's identity/);
    assert.match(
      error.message,
      /"Create tag definition" in project 'WebApp' \(Project settings › Permissions/,
    );
    assert.doesNotMatch(error.message, /Edit work items in this node/, 'not the area permission');
    const connection: WriterIdentity = { kind: 'connection', connection: 'Boards PAT' };
    assert.match(
      toAdoError(serviceError(403, 'TF401289: The current user does not have permissions to create tags.'), {
        ...CALL,
        identity: connection,
      }).message,
      /Give the identity of service connection 'Boards PAT'/,
    );
  });

  it('TF401326: names the read-only field, keeps the service message, and tells to remove it from fields', () => {
    const said = "TF401326: Invalid field status 'ReadOnly' for field 'System.BoardColumn'.";
    const error = toAdoError(serviceError(400, said), CALL);
    assert.equal(error.code, 'TF401326');
    assert.deepEqual(error.refusedFields, ['System.BoardColumn']);
    assert.equal(error.serviceMessage, said);
    assert.equal(
      error.message,
      `Could not create the Bug in project 'WebApp': ${said} The field is read-only (Azure Boards sets it itself): remove it from the 'fields' input.`,
    );
  });

  it('TF401324: names the field whose value is too long, and what to shorten', () => {
    const said = "TF401324: Value for field 'Microsoft.VSTS.Build.IntegrationBuild' is too long.";
    const error = toAdoError(serviceError(400, said), CALL);
    assert.equal(error.code, 'TF401324');
    assert.deepEqual(error.refusedFields, ['Microsoft.VSTS.Build.IntegrationBuild']);
    assert.equal(
      error.message,
      `Could not create the Bug in project 'WebApp': ${said} A single-line text field holds at most 255 characters, a long-text one 1,000,000: shorten the value the 'fields' input gives it (a placeholder such as {{firstError}} can be long).`,
    );
  });

  it('names the fields input for an unknown field and the path inputs for an invalid path', () => {
    assert.match(
      toAdoError(serviceError(400, 'TF51535: Cannot find field Custom.Nope.'), CALL).message,
      /Check the reference names in the 'fields' input/,
    );
    assert.match(
      toAdoError(
        serviceError(400, "TF401347: Invalid tree name given for work item -1, field 'System.AreaPath'."),
        CALL,
      ).message,
      /Set 'areaPath' and 'iterationPath' to paths that exist/,
    );
  });

  it('lists the rule errors of TF401320', () => {
    const error = toAdoError(
      serviceError(
        400,
        'TF401320: Rule Error for field Severity. Error code: Required, HasValues, LimitedToValues.',
        {
          customProperties: {
            RuleValidationErrors: [{ errorMessage: "Value '9 - Whatever' is not in the list." }],
          },
        },
      ),
      CALL,
    );
    assert.match(
      error.message,
      /breaks the work item type's rules: TF401320: Rule Error for field Severity\..* Value '9 - Whatever' is not in the list\./,
    );
  });

  it('explains a rejected token and an unreachable server', () => {
    assert.match(
      toAdoError(serviceError(401, 'Unauthorized'), CALL).message,
      /rejected the credentials \(HTTP 401\)/,
    );
    const signIn = Object.assign(new Error('<html>Sign In</html>'), { statusCode: 203, result: undefined });
    assert.match(
      toAdoError(signIn, CALL).message,
      /rejected the credentials \(HTTP 203\)\. With the job token/,
    );
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    assert.equal(
      toAdoError(refused, CALL).message,
      "Could not create the Bug in project 'WebApp': Azure DevOps at https://dev.azure.com/fabrikam/ could not be reached (ECONNREFUSED). Check the agent's network and proxy settings.",
    );
  });

  it('keeps the status and message of anything else', () => {
    assert.equal(
      toAdoError(serviceError(500, 'Boom'), CALL).message,
      "Could not create the Bug in project 'WebApp' (HTTP 500): Boom",
    );
  });

  it('finds the organization in each URL form', () => {
    assert.equal(organizationName('https://dev.azure.com/fabrikam/'), 'fabrikam');
    assert.equal(organizationName('https://fabrikam.visualstudio.com/'), 'fabrikam');
    assert.equal(organizationName('https://tfs.contoso.local/tfs/DefaultCollection/'), 'DefaultCollection');
    assert.equal(organizationName('https://www.fabrikam.visualstudio.com/'), 'www.fabrikam.visualstudio.com');
    assert.equal(
      organizationName('https://fabrikam.visualstudio.com.contoso.local/'),
      'fabrikam.visualstudio.com.contoso.local',
    );
    assert.equal(organizationName('not a URL'), 'not a URL');
    // A collection whose URL holds a % that escapes nothing: its name as written.
    assert.equal(organizationName('http://tfs:8080/tfs/Bad%ZZ/'), 'Bad%ZZ');
  });

  // The agent hands a server's collection URL escaped; the identity dialogs show the collection's own name.
  it('names a server collection with spaces or non-ASCII letters as it is called, not as its URL escapes it', () => {
    assert.equal(
      organizationName('http://tfs:8080/tfs/Fabrikam%20Fiber%20Collection/'),
      'Fabrikam Fiber Collection',
    );
    assert.equal(organizationName('http://tfs:8080/tfs/Kollektion%20M%C3%BCnchen/'), 'Kollektion München');
    assert.match(
      permissionFix({
        url: 'http://tfs:8080/tfs/Fabrikam%20Fiber%20Collection/',
        project: 'Web App',
        identity: { kind: 'jobToken', runProject: 'Web App', release: false },
      }),
      /"Project Collection Build Service \(Fabrikam Fiber Collection\)"/,
    );
  });

  it('a throttled call says how long the service asked to wait, in seconds or as an HTTP date, and the budget', () => {
    const blocked = 'Request was blocked due to exceeding usage of resource.';
    const throttled = (retryAfter: string) =>
      toAdoError(
        Object.assign(serviceError(429, blocked), { responseHeaders: { 'retry-after': retryAfter } }),
        CALL,
      ).message;
    const said = loc('RateLimited', CALL.action, blocked, loc('RateLimitWait', 90));
    assert.equal(throttled('90'), said);
    assert.match(
      said,
      /It asked to wait 90 seconds \(Retry-After\)\. The task waits .*PipelineWorkItem\.RetryBudget/,
    );
    const clock = sinon.useFakeTimers(Date.UTC(2026, 0, 1, 12, 0, 0));
    try {
      assert.equal(throttled('Thu, 01 Jan 2026 12:01:30 GMT'), said);
    } finally {
      clock.restore();
    }
  });

  it("a refused read of the run's records names the permission of that read, for the job token's identity", () => {
    const denied = (records: 'builds' | 'testRuns' | 'releases', release = false): string =>
      toAdoError(serviceError(403, 'Access denied.'), {
        action: 'read the records',
        url: CALL.url,
        project: 'WebApp',
        identity: { kind: 'jobToken', runProject: 'WebApp', release },
        records,
      }).message;
    const job = loc('PermissionWhoJob', 'WebApp', 'fabrikam', 'fabrikam');
    const release = loc('PermissionWhoRelease', 'WebApp', 'fabrikam', 'fabrikam');
    const said = (fix: string): string => loc('AccessDenied', 'read the records', 'Access denied.', fix);
    assert.equal(denied('builds'), said(loc('ViewBuildsFix', job, 'WebApp')));
    assert.equal(denied('testRuns'), said(loc('ViewTestRunsFix', job, 'WebApp')));
    assert.equal(denied('releases', true), said(loc('ViewReleasesFix', release, 'WebApp')));
  });

  it("a refused token or a 404 reading the run's records: the job token expired, or it may not see the project", () => {
    const read = (status: number, message: string, project = 'WebApp', release = false): string =>
      toAdoError(serviceError(status, message), {
        action: 'read the records',
        url: CALL.url,
        project,
        identity: { kind: 'jobToken', runProject: 'WebApp', release },
        records: 'builds',
      }).message;
    // Refused: the job token's lifetime, never the 'connection' input's token nor the project's access.
    const rejected = (code: string): string => loc('RecordsTokenRejected', 'read the records', code);
    assert.equal(
      read(401, "TF400813: The user '' is not authorized to access this resource."),
      rejected('TF400813'),
    );
    assert.equal(read(401, 'Unauthorized'), rejected('HTTP 401'));
    assert.equal(read(203, '<html>Sign In</html>'), rejected('HTTP 203'));
    // Not found: a project the job token's identity was not given, named with that identity, whatever the code.
    const unseen =
      "VS800075: The project with id 'vstfs:///Classification/TeamProject/Mobile' does not exist, or you do not have permission to access it.";
    const release = loc('PermissionWhoRelease', 'WebApp', 'fabrikam', 'fabrikam');
    assert.equal(
      read(404, unseen, 'Mobile', true),
      loc('RecordsNotVisible', 'read the records', unseen, 'Mobile', release, 'Mobile'),
    );
    const job = loc('PermissionWhoJob', 'WebApp', 'fabrikam', 'fabrikam');
    assert.equal(
      read(404, 'TF200016: The following project does not exist: WebApp.'),
      loc(
        'RecordsNotVisible',
        'read the records',
        'TF200016: The following project does not exist: WebApp.',
        'WebApp',
        job,
        'WebApp',
      ),
    );
    assert.doesNotMatch(read(404, unseen, 'Mobile'), /'project' input|writing to it/);
    // Anything else not found is that thing, not the project.
    assert.equal(
      read(404, 'VS800069: log not found'),
      loc('CallFailedStatus', 'read the records', 404, 'VS800069: log not found'),
    );
  });

  it('a throttled call, a denied one and a refused token each say so, with the service’s words', () => {
    const said = (status: number, message: string) => toAdoError(serviceError(status, message), CALL);
    const throttled = said(429, 'Request was blocked due to exceeding usage of resource.');
    assert.equal(
      throttled.message,
      loc('RateLimited', CALL.action, 'Request was blocked due to exceeding usage of resource.', ''),
    );
    assert.equal(throttled.status, 429);
    assert.equal(
      said(403, 'Access denied.').message,
      loc('AccessDenied', CALL.action, 'Access denied.', permissionFix(CALL)),
    );
    assert.equal(
      said(401, 'Unauthorized').message,
      loc('CredentialsRejected', CALL.action, 'HTTP 401', 'WebApp'),
    );
    assert.equal(
      said(400, 'TF400813: The user is not authorized to access this resource.').message,
      loc('CredentialsRejected', CALL.action, 'TF400813', 'WebApp'),
    );
    assert.equal(
      toAdoError(serviceError(401, 'Unauthorized'), { action: CALL.action, url: CALL.url }).message,
      loc('CredentialsRejected', CALL.action, 'HTTP 401', ''),
    );
  });

  it('a federated identity refused after its token exchange is not in the organization', () => {
    const call = {
      ...CALL,
      identity: { kind: 'connection', connection: 'wif-1', servicePrincipal: 'client-1' } as const,
    };
    assert.equal(
      toAdoError(serviceError(401, 'Unauthorized'), call).message,
      loc('FederatedIdentityNotInOrganization', CALL.action, 'client-1', 'wif-1', 'HTTP 401', 'fabrikam'),
    );
    assert.equal(
      toAdoError(serviceError(400, 'TF400813: not authorized'), call).message,
      loc('FederatedIdentityNotInOrganization', CALL.action, 'client-1', 'wif-1', 'TF400813', 'fabrikam'),
    );
    assert.equal(
      toAdoError(serviceError(203, '<html>Sign In</html>'), call).message,
      loc('FederatedIdentityNotInOrganization', CALL.action, 'client-1', 'wif-1', 'HTTP 203', 'fabrikam'),
    );
    const pat = { ...CALL, identity: { kind: 'connection', connection: 'boards-pat' } as const };
    assert.equal(
      toAdoError(serviceError(401, 'Unauthorized'), pat).message,
      loc('CredentialsRejected', CALL.action, 'HTTP 401', 'WebApp'),
    );
  });

  it('the service’s message over the client’s, trimmed; the codes it names; anything thrown', () => {
    const TOO_MANY =
      'VS402337: The number of work items returned exceeds the size limit of 20000. Change the query to return fewer items.';
    const answered = Object.assign(new Error('Failed request: Bad Request(400)'), {
      statusCode: 400,
      result: { message: `  ${TOO_MANY}  ` },
    });
    const error = toAdoError(answered, CALL);
    assert.equal(error.code, 'VS402337');
    assert.equal(error.serviceMessage, TOO_MANY);
    assert.equal(error.message, loc('CallFailedStatus', CALL.action, 400, TOO_MANY));
    const closed = toAdoError(new Error(' socket closed '), CALL);
    assert.equal(closed.message, loc('CallFailed', CALL.action, 'socket closed'));
    assert.equal(closed.status, undefined);
    assert.equal(toAdoError('boom', CALL).message, loc('CallFailed', CALL.action, 'boom'));
    const oddStatus = Object.assign(new Error('Boom'), { statusCode: '500' });
    assert.equal(toAdoError(oddStatus, CALL).message, loc('CallFailed', CALL.action, 'Boom'));
  });

  it('the rules broken: each field and each rule once, the service’s own words first', () => {
    const message =
      'TF401320: Rule Error for field Severity. Error code: Required, HasValues, LimitedToValues.';
    const error = toAdoError(
      serviceError(400, message, {
        customProperties: {
          RuleValidationErrors: [
            {
              fieldReferenceName: 'Microsoft.VSTS.Common.Severity',
              errorMessage: ' Rule Error for field Severity. ',
            },
            { fieldReferenceName: 'Custom.Team', errorMessage: "  Value 'Ops' is not in the list.  " },
            { errorMessage: "Value 'Ops' is not in the list." },
            {},
          ],
        },
      }),
      CALL,
    );
    assert.deepEqual(error.refusedFields, ['Microsoft.VSTS.Common.Severity', 'Custom.Team']);
    assert.equal(
      error.message,
      loc(
        'RulesBrokenBy',
        CALL.action,
        'Microsoft.VSTS.Common.Severity, Custom.Team',
        `${message} Value 'Ops' is not in the list.`,
      ),
    );
    assert.doesNotMatch(error.message, /'fields' input/, 'a value the rules refuse is no value to add');
    const bare = toAdoError(Object.assign(new Error(message), { statusCode: 400 }), CALL);
    assert.deepEqual(bare.refusedFields, []);
    assert.equal(bare.message, loc('RulesBroken', CALL.action, message));
  });

  it('a field the rules require left empty (InvalidEmpty): set it with the fields input', () => {
    const { message, error } = emptyRequired('Microsoft.VSTS.Scheduling.StoryPoints', 'Story Points');
    assert.equal(
      error.message,
      loc(
        'RulesRequire',
        CALL.action,
        'Microsoft.VSTS.Scheduling.StoryPoints',
        message,
        'Microsoft.VSTS.Scheduling.StoryPoints',
      ),
    );
    assert.match(
      error.message,
      /Set it with the 'fields' input, e\.g\. Microsoft\.VSTS\.Scheduling\.StoryPoints=<value>\.$/,
    );
  });

  it('a field an input of the task sets, which a rule requires: that input named, not fields', () => {
    const { message, error } = emptyRequired('System.AssignedTo', 'Assigned To');
    assert.equal(
      error.message,
      loc('RulesRequireInput', CALL.action, 'System.AssignedTo', message, 'assignTo'),
    );
    assert.doesNotMatch(error.message, /'fields' input/);
  });

  it('the field a refusal names: quoted for an invalid path or a read-only field, bare for an unknown one', () => {
    const refused = (message: string) => toAdoError(serviceError(400, message), CALL).refusedFields;
    assert.deepEqual(
      refused("TF401347: Invalid tree name given for work item -1, field 'System.AreaPath'."),
      ['System.AreaPath'],
    );
    assert.deepEqual(refused("TF401326: Invalid field status 'ReadOnly' for field 'System.BoardColumn'."), [
      'System.BoardColumn',
    ]);
    assert.deepEqual(refused('TF401347: Invalid tree name given for work item -1.'), []);
    assert.deepEqual(refused('TF51535: Cannot find field Custom.Nope_2.'), ['Custom.Nope_2']);
    assert.deepEqual(refused('TF51535: Cannot find field _x.'), ['_x']);
    assert.deepEqual(refused('TF51535: Cannot find field Fabrikam.Release-Train.'), [
      'Fabrikam.Release-Train',
    ]);
    assert.deepEqual(refused("TF401326: Invalid field status 'ReadOnly' for field 'Custom.Go-Live'."), [
      'Custom.Go-Live',
    ]);
    assert.deepEqual(refused('TF51535: Cannot find field 9x.'), []);
    assert.deepEqual(refused('TF51535: Cannot find the field.'), []);
    assert.deepEqual(
      refused(
        "TF237111: No permission to save under the area given for field System.AreaPath ('System.AreaPath').",
      ),
      [],
    );
    assert.deepEqual(refused("VS402337: field 'System.Title' is too long."), []);
  });

  it('an untrusted server certificate: names the host, Node’s code and its words, not a network failure', () => {
    const codes = [
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'SELF_SIGNED_CERT_IN_CHAIN',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'UNABLE_TO_GET_ISSUER_CERT',
      'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      'CERT_UNTRUSTED',
      'CERT_HAS_EXPIRED',
      'CERT_NOT_YET_VALID',
      'ERR_TLS_CERT_ALTNAME_INVALID',
    ];
    for (const code of codes) {
      const error = toAdoError(Object.assign(new Error(`node says ${code}`), { code }), CALL);
      assert.equal(
        error.message,
        loc('CertificateUntrusted', CALL.action, CALL.url, code, `node says ${code}`),
        code,
      );
      assert.equal(error.status, undefined, code);
    }
    // Node.js 24's advice to start it with a flag, which the agent does, is left out: the message reads as on
    // Node.js 20 and gives the agent's settings.
    const node24 = Object.assign(
      new Error(
        'self-signed certificate; if the root CA is installed locally, try running Node.js with --use-system-ca',
      ),
      { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
    );
    assert.equal(
      toAdoError(node24, CALL).message,
      loc(
        'CertificateUntrusted',
        CALL.action,
        CALL.url,
        'DEPTH_ZERO_SELF_SIGNED_CERT',
        'self-signed certificate',
      ),
    );
    // Without a message of its own: the code alone.
    assert.equal(
      toAdoError({ code: 'CERT_HAS_EXPIRED' }, CALL).message,
      loc('CertificateUntrusted', CALL.action, CALL.url, 'CERT_HAS_EXPIRED', ''),
    );
    // Another TLS failure, or no code at all, is no certificate to trust.
    assert.equal(
      toAdoError(Object.assign(new Error('wrong version'), { code: 'ERR_SSL_WRONG_VERSION_NUMBER' }), CALL)
        .message,
      loc('CallFailed', CALL.action, 'wrong version'),
    );
  });

  it('the client’s own timeout and a socket hung up: did not answer in time, not the service’s words', () => {
    const url = 'https://dev.azure.com/fabrikam/WebApp/_apis/wit/workitems/$Bug';
    for (const said of ['Request timeout: /fabrikam/WebApp/_apis/wit/workitems/$Bug', 'socket hang up']) {
      assert.equal(
        toAdoError(new Error(said), { ...CALL, url }).message,
        loc('TimedOut', CALL.action, url),
        said,
      );
    }
    // An answer that speaks of a timeout is the service's answer: its status and words.
    assert.equal(
      toAdoError(serviceError(504, 'Request timeout at the gateway'), CALL).message,
      loc('CallFailedStatus', CALL.action, 504, 'Request timeout at the gateway'),
    );
  });

  it('a redirect not followed: its status and where it pointed, else a dash; 3xx only', () => {
    const redirect = (statusCode: number, responseHeaders?: Record<string, string | string[] | undefined>) =>
      toAdoError(Object.assign(new Error('Redirect'), { statusCode, responseHeaders }), CALL).message;
    const signIn = 'https://login.microsoftonline.com/common/oauth2/authorize';
    assert.equal(redirect(302, { location: signIn }), loc('Redirected', CALL.action, CALL.url, 302, signIn));
    assert.equal(
      redirect(301, { location: [signIn, 'https://elsewhere/'] }),
      loc('Redirected', CALL.action, CALL.url, 301, signIn),
    );
    assert.equal(redirect(300, { location: signIn }), loc('Redirected', CALL.action, CALL.url, 300, signIn));
    assert.equal(redirect(307, { location: '' }), loc('Redirected', CALL.action, CALL.url, 307, '-'));
    assert.equal(redirect(303, {}), loc('Redirected', CALL.action, CALL.url, 303, '-'));
    assert.equal(redirect(308), loc('Redirected', CALL.action, CALL.url, 308, '-'));
    assert.equal(redirect(400, { location: signIn }), loc('CallFailedStatus', CALL.action, 400, 'Redirect'));
    assert.equal(redirect(299, { location: signIn }), loc('CallFailedStatus', CALL.action, 299, 'Redirect'));
  });

  it('a page in place of JSON: its status and start, which tell a sign-in page from a proxy’s', () => {
    const page = '<html><title>Access blocked by proxy</title>';
    // The shape of rest.ts's NotJsonAnswer.
    const notJson = Object.assign(new Error(page), {
      statusCode: 200,
      result: undefined,
      responseHeaders: {},
      page,
    });
    const error = toAdoError(notJson, CALL);
    assert.equal(error.message, loc('AnswerNotJson', CALL.action, CALL.url, 200, page));
    assert.equal(error.status, 200);
    assert.equal(
      toAdoError(Object.assign(new Error(page), { page }), CALL).message,
      loc('AnswerNotJson', CALL.action, CALL.url, 200, page),
    );
    assert.equal(
      toAdoError(Object.assign(new Error(page), { statusCode: 201, page }), CALL).message,
      loc('AnswerNotJson', CALL.action, CALL.url, 201, page),
    );
    // In place of a write's answer: what answered may have passed the write on, so Boards is looked at first.
    assert.equal(
      toAdoError(notJson, { ...CALL, write: true }).message,
      `${loc('AnswerNotJson', CALL.action, CALL.url, 200, page)} ${loc('PageAfterWrite')}`,
    );
  });

  it('no content in place of JSON: its status, and that something else answered for Azure DevOps', () => {
    const empty = Object.assign(new Error(''), {
      statusCode: 204,
      result: undefined,
      responseHeaders: {},
      page: '',
    });
    const error = toAdoError(empty, CALL);
    assert.equal(error.message, loc('AnswerEmpty', CALL.action, CALL.url, 204));
    assert.equal(error.status, 204);
    assert.equal(
      toAdoError(Object.assign(new Error(''), { page: '' }), CALL).message,
      loc('AnswerEmpty', CALL.action, CALL.url, 200),
    );
  });

  it('a server older than the REST API the task calls: the server’s latest version, what the task needs', () => {
    const refusal = (message: string, typeKey = 'VssVersionOutOfRangeException') =>
      toAdoError(serviceError(400, message, { typeKey }), {
        ...CALL,
        url: 'https://tfs.example.com:8443/tfs/DefaultCollection/',
      });
    const server2019 =
      'The requested REST API version of 6.0 is out of range for this server. The latest REST API version this server supports is 5.0.';
    assert.equal(
      refusal(server2019).message,
      loc('ServerTooOld', CALL.action, 'https://tfs.example.com:8443/tfs/DefaultCollection/', '5.0', '6.0'),
    );
    assert.match(
      refusal(server2019).message,
      /serves REST API versions up to 5\.0, older than the REST API 6\.0 this task calls .*Azure DevOps Server 2020 or later, with an agent of version 3\.232\.1 or later: upgrade the server/,
    );
    // Azure DevOps Server 2019 Update 1 serves 5.1, and words the refusal otherwise.
    const update1 =
      'The requested REST API version of "6.0" is out of the valid range for this server. The latest REST API version supported by this server is 5.1';
    assert.equal(
      refusal(update1).message,
      loc('ServerTooOld', CALL.action, 'https://tfs.example.com:8443/tfs/DefaultCollection/', '5.1', '6.0'),
    );
    // Another refusal of the version, or one whose wording the task cannot read, keeps the service's words.
    const other = 'The requested version "6.0" of the resource is under preview.';
    assert.equal(
      refusal(other, 'VssInvalidPreviewVersionException').message,
      loc('CallFailedStatus', CALL.action, 400, other),
    );
    assert.equal(
      refusal('Out of range.').message,
      loc('CallFailedStatus', CALL.action, 400, 'Out of range.'),
    );
    // Both versions are needed: a wording that names only one is not read as naming the other.
    const onlyAsked = 'The requested REST API version of 6.0 is out of range for this server.';
    assert.equal(refusal(onlyAsked).message, loc('CallFailedStatus', CALL.action, 400, onlyAsked));
    const onlyLatest = 'Out of range. The latest REST API version this server supports is 5.0.';
    assert.equal(refusal(onlyLatest).message, loc('CallFailedStatus', CALL.action, 400, onlyLatest));
    // Only the server's refusal of the version is read so: another that quotes versions alike keeps its words.
    assert.equal(
      refusal(server2019, 'VssServiceException').message,
      loc('CallFailedStatus', CALL.action, 400, server2019),
    );
  });

  it('a server too old: versions of two digits are named whole', () => {
    const message =
      'The requested REST API version of 12.10 is out of range for this server. The latest REST API version this server supports is 11.10.';
    const url = 'https://tfs.example.com:8443/tfs/DefaultCollection/';
    assert.equal(
      toAdoError(serviceError(400, message, { typeKey: 'VssVersionOutOfRangeException' }), { ...CALL, url })
        .message,
      loc('ServerTooOld', CALL.action, url, '11.10', '12.10'),
    );
  });

  it('each field an input of the task sets, required and left empty: that input named', () => {
    const inputs: [field: string, input: string][] = [
      ['System.Title', 'title'],
      ['System.AreaPath', 'areaPath'],
      ['System.IterationPath', 'iterationPath'],
      ['System.AssignedTo', 'assignTo'],
      ['Microsoft.VSTS.Common.Priority', 'priority'],
      ['Microsoft.VSTS.Common.Severity', 'severity'],
      ['System.Tags', 'tags'],
    ];
    for (const [field, input] of inputs) {
      const { message, error } = emptyRequired(field);
      assert.equal(error.message, loc('RulesRequireInput', CALL.action, field, message, input), field);
    }
  });

  describe('a project the writing identity cannot read', () => {
    const VS800075 =
      "VS800075: The project with id 'vstfs:///Classification/TeamProject/0d1f6e2a' does not exist, or you do not have permission to access it.";

    it('VS800075, a service connection not added to the project: names its service principal and both fixes', () => {
      const identity = {
        kind: 'connection',
        connection: 'boards-wif',
        servicePrincipal: 'c4d8e2f6',
      } as const;
      const error = toAdoError(serviceError(404, VS800075), { ...CALL, identity });
      assert.equal(error.code, 'VS800075');
      assert.equal(error.message, loc('CallFailed', CALL.action, projectUnreadable({ ...CALL, identity })));
      assert.match(
        error.message,
        /Give the service principal \(client id c4d8e2f6\) of service connection 'boards-wif' access to project 'WebApp' \(add it to its Readers or Contributors group/,
      );
      assert.match(error.message, /or check the 'project' input/);
    });

    it("a project-scoped job token writing to another project: that project's build service, not the pipeline", () => {
      const message = projectUnreadable({
        url: CALL.url,
        project: 'WebApp',
        identity: { kind: 'jobToken', runProject: 'Mobile', release: false },
      });
      assert.match(
        message,
        /^Project 'WebApp' was not found, or the identity writing to it cannot read it\. /,
      );
      assert.match(message, /Give "Mobile Build Service \(fabrikam\)" \(the job token's identity/);
      assert.match(message, /access to project 'WebApp'/);
      assert.doesNotMatch(message, /pipeline's identity|WebApp Build Service/);
    });
  });

  describe('names the identity that lacks the permission', () => {
    const SERVICES = 'https://dev.azure.com/fabrikam/';
    const SERVER = 'https://tfs.contoso.local/tfs/DefaultCollection/';
    const cases: [
      name: string,
      url: string,
      identity: WriterIdentity | undefined,
      says: RegExp[],
      never: RegExp[],
    ][] = [
      [
        'the job token of a build writing to its own project',
        SERVICES,
        { kind: 'jobToken', runProject: 'WebApp', release: false },
        [
          /^Give "WebApp Build Service \(fabrikam\)"/,
          /non-release pipelines/,
          /"Project Collection Build Service \(fabrikam\)"/,
          // Both toggles off: a classic build's own option decides; a public project is always project-scoped.
          /a classic build's Options › "Build job authorization scope"/,
          /a public project/,
        ],
        [/Server 2020/],
      ],
      [
        'the job token of a build writing to another project: its own project’s build service',
        SERVICES,
        { kind: 'jobToken', runProject: 'Mobile', release: false },
        [/^Give "Mobile Build Service \(fabrikam\)"/, /on the area in project 'WebApp'/],
        [/WebApp Build Service/],
      ],
      [
        'a classic release on Services: the release pipelines setting',
        SERVICES,
        { kind: 'jobToken', runProject: 'WebApp', release: true },
        [/current project for release pipelines/, /a public project/],
        [/Server 2020/, /non-release/, /Build job authorization scope/],
      ],
      [
        'a service connection',
        SERVICES,
        { kind: 'connection', connection: 'boards-pat' },
        [/^Give the identity of service connection 'boards-pat'/],
        [/Build Service/],
      ],
      [
        'an unknown identity: the job token of the project written to',
        SERVICES,
        undefined,
        [/^Give "WebApp Build Service \(fabrikam\)"/, /non-release pipelines/],
        [/current project for release pipelines/],
      ],
      [
        'a classic release on a Server: the release pipelines setting, as on Services, and Server 2020 always the collection',
        SERVER,
        { kind: 'jobToken', runProject: 'WebApp', release: true },
        [
          /current project for release pipelines/,
          /"Project Collection Build Service \(DefaultCollection\)" \(when it is the collection, and always on Azure DevOps Server 2020, whose classic releases always run with the collection's scope\)/,
        ],
        [/non-release/],
      ],
      [
        'the job token of a build on a Server: the settings are the collection’s there',
        SERVER,
        { kind: 'jobToken', runProject: 'WebApp', release: false },
        [
          /non-release pipelines" on in Organization settings \(Collection settings on Azure DevOps Server\) or Project settings/,
          /"Project Collection Build Service \(DefaultCollection\)"/,
        ],
        [/Server 2020/],
      ],
      [
        'a classic release on a Server: the settings are the collection’s there',
        SERVER,
        { kind: 'jobToken', runProject: 'WebApp', release: true },
        [
          /release pipelines" on in Organization settings \(Collection settings on Azure DevOps Server\) or Project settings/,
        ],
        [/non-release/],
      ],
      [
        'a classic release on a legacy Services host',
        'https://fabrikam.visualstudio.com/',
        { kind: 'jobToken', runProject: 'WebApp', release: true },
        [/current project for release pipelines/],
        [/Server 2020/],
      ],
      [
        'a classic release on a Services release host',
        'https://vsrm.dev.azure.com/fabrikam/',
        { kind: 'jobToken', runProject: 'WebApp', release: true },
        [/current project for release pipelines/],
        [/Server 2020/],
      ],
      ...[
        'https://dev.azure.com.contoso.example/tfs/Web/',
        'https://fabrikam.visualstudio.com.contoso.example/Web/',
      ].map((url): (typeof cases)[number] => [
        `a classic release on a server whose host only begins like Services' (${url})`,
        url,
        { kind: 'jobToken', runProject: 'WebApp', release: true },
        [/always on Azure DevOps Server 2020/],
        [],
      ]),
    ];
    for (const [name, url, identity, says, never] of cases) {
      it(name, () => {
        const fix = permissionFix({ url, project: 'WebApp', identity });
        for (const pattern of says) assert.match(fix, pattern);
        for (const pattern of never) assert.doesNotMatch(fix, pattern);
        assert.match(fix, /"View work items in this node" and "Edit work items in this node"/);
      });
    }

    it('a call that names no project: the project left for the user to fill in', () => {
      assert.match(permissionFix({ url: SERVICES }), /on the area in project '<project>'/);
    });
  });
});
