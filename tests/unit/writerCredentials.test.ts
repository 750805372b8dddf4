import * as assert from 'node:assert/strict';
import * as sinon from 'sinon';
import { writerCredentials } from '../../tasks/PipelineWorkItem/src/act/writerCredentials';
import type { Credentials, TokenCredentials } from '../../tasks/PipelineWorkItem/src/ports';
import { RELEASE_VARIABLES, runContext, YAML_VARIABLES } from './fixtures';

// Who writes to Boards, and the identity the error messages name when a write is refused.

const JOB: TokenCredentials = { url: 'https://dev.azure.com/fabrikam/', scheme: 'bearer', token: 'job-1' };
const PAT: TokenCredentials = { url: 'https://dev.azure.com/contoso/', scheme: 'token', token: 'pat-1' };
const FEDERATED: Credentials = {
  url: 'https://dev.azure.com/contoso/',
  scheme: 'federated',
  federation: {
    connection: 'wif-1',
    oidcRequestUri: 'https://dev.azure.com/fabrikam/_apis/oidctoken',
    jobToken: 'job-1',
    tenantId: 'tenant-1',
    clientId: 'client-1',
    authority: 'https://login.microsoftonline.com/',
  },
};

function host(connection: Credentials = PAT, federated: Credentials = FEDERATED) {
  return {
    connectionCredentials: sinon.stub().returns(connection),
    federatedCredentials: sinon.stub().returns(federated),
  };
}

const NO_CONNECTION = { connection: undefined, federation: undefined };

describe('writer credentials', () => {
  it('the job token, acting as the build service of the run’s project', () => {
    assert.deepEqual(writerCredentials(host(), NO_CONNECTION, runContext(YAML_VARIABLES), JOB), {
      ...JOB,
      identity: { kind: 'jobToken', runProject: 'WebApp', release: false },
    });
  });

  it('the job token of a classic release', () => {
    assert.deepEqual(writerCredentials(host(), NO_CONNECTION, runContext(RELEASE_VARIABLES), JOB).identity, {
      kind: 'jobToken',
      runProject: 'WebApp',
      release: true,
    });
  });

  it('a personal access token connection, named as itself', () => {
    const of = host();
    const settings = { connection: 'boards-pat', federation: undefined };
    assert.deepEqual(writerCredentials(of, settings, runContext(), JOB), {
      ...PAT,
      identity: { kind: 'connection', connection: 'boards-pat' },
    });
    sinon.assert.calledOnceWithExactly(of.connectionCredentials, 'boards-pat');
  });

  it('a federated connection, named with its service principal; its ID token asked with the job token', () => {
    const of = host();
    const federation = {
      kind: 'azureDevOps',
      input: 'azureDevOpsConnection',
      connection: 'wif-1',
      organizationUrl: undefined,
    } as const;
    assert.deepEqual(writerCredentials(of, { connection: undefined, federation }, runContext(), JOB), {
      ...FEDERATED,
      identity: { kind: 'connection', connection: 'wif-1', servicePrincipal: 'client-1' },
    });
    sinon.assert.calledOnceWithExactly(of.federatedCredentials, federation, JOB);
    // Should the host hand back token credentials, there is no service principal to name.
    const tokenOnly = writerCredentials(
      host(PAT, PAT),
      { connection: undefined, federation },
      runContext(),
      JOB,
    );
    assert.deepEqual(tokenOnly.identity, {
      kind: 'connection',
      connection: 'wif-1',
      servicePrincipal: undefined,
    });
  });
});
