import * as assert from 'node:assert/strict';
import { organizationName, permissionFix, toAdoError } from '../../tasks/PipelineWorkItem/src/ado/errors';
import type { WriterIdentity } from '../../tasks/PipelineWorkItem/src/ports';

const CALL = {
  action: "create the Bug in project 'WebApp'",
  url: 'https://dev.azure.com/fabrikam/',
  project: 'WebApp',
};

// The shape typed-rest-client throws for a status above 299.
function serviceError(statusCode: number, message: string, extra: object = {}): Error {
  return Object.assign(new Error(message), { statusCode, result: { message, ...extra } });
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
      /^Could not create the Bug in project 'WebApp': the pipeline's identity may not save work items under this area \(TF237111\)\./,
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
        [/current project for release pipelines/],
        [/Server 2020/, /non-release/],
      ],
      [
        'a classic release on a Server: the collection identity of Server 2020 too',
        SERVER,
        { kind: 'jobToken', runProject: 'WebApp', release: true },
        [
          /"Project Collection Build Service \(DefaultCollection\)" \(when it is the collection, and always on Azure DevOps Server 2020/,
        ],
        [],
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
        [/^Give "WebApp Build Service \(fabrikam\)"/],
        [],
      ],
    ];
    for (const [name, url, identity, says, never] of cases) {
      it(name, () => {
        const fix = permissionFix({ url, project: 'WebApp', identity });
        for (const pattern of says) assert.match(fix, pattern);
        for (const pattern of never) assert.doesNotMatch(fix, pattern);
        assert.match(fix, /"View work items in this node" and "Edit work items in this node"/);
      });
    }
  });
});
