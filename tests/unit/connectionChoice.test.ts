import * as assert from 'node:assert/strict';
import { readSettings } from '../../tasks/PipelineWorkItem/src/inputs/settings';
import { inputs, problemsOf } from './fixtures';

describe('connection inputs', () => {
  it('without connectionType, the PAT connection (or the job token) writes, as before', () => {
    const settings = readSettings(inputs({ connection: 'pat-connection' }));
    assert.equal(settings.connection, 'pat-connection');
    assert.equal(settings.federation, undefined);
    assert.equal(readSettings(inputs({})).connection, undefined);
  });

  it('azureDevOps: the Azure DevOps connection, its own organization unless organizationUrl names one', () => {
    assert.deepEqual(
      readSettings(inputs({ connectionType: 'azureDevOps', azureDevOpsConnection: 'wif' })).federation,
      { kind: 'azureDevOps', input: 'azureDevOpsConnection', connection: 'wif', organizationUrl: undefined },
    );
    const settings = readSettings(
      inputs({
        connectionType: 'AzureDevOps',
        azureDevOpsConnection: 'wif',
        organizationUrl: 'https://dev.azure.com/contoso',
        connection: 'stale-pat-connection',
      }),
    );
    assert.equal(settings.federation?.organizationUrl, 'https://dev.azure.com/contoso/');
    assert.equal(settings.connection, undefined, 'a hidden PAT connection is not used');
  });

  it('azureRM: the Azure Resource Manager connection and the organization it writes to', () => {
    assert.deepEqual(
      readSettings(
        inputs({
          connectionType: 'azureRM',
          azureResourceManagerConnection: 'arm',
          organizationUrl: 'https://dev.azure.com/contoso/',
        }),
      ).federation,
      {
        kind: 'azureRM',
        input: 'azureResourceManagerConnection',
        connection: 'arm',
        organizationUrl: 'https://dev.azure.com/contoso/',
      },
    );
  });

  it('an organizationUrl with connectionType token is an error: it would file in the job’s organization', () => {
    assert.deepEqual(problemsOf({ organizationUrl: 'https://dev.azure.com/contoso/' }), [
      "Input 'organizationUrl' is set but connectionType is token, so it would not be used: the item would be filed in the organization of the job (or of the 'connection' input). Set connectionType to azureDevOps or azureRM (or clear organizationUrl).",
    ]);
  });

  it('names each missing or misplaced connection input and its fix', () => {
    assert.deepEqual(problemsOf({ connectionType: 'azureRM', azureResourceManagerConnection: 'arm' }), [
      "Input 'organizationUrl': an Azure Resource Manager connection names no organization. Set it to the organization to file in, e.g. https://dev.azure.com/fabrikam/.",
    ]);
    assert.deepEqual(problemsOf({ connectionType: 'azureDevOps' }), [
      "Input 'azureDevOpsConnection': connectionType azureDevOps needs a service connection here.",
    ]);
    assert.deepEqual(problemsOf({ azureDevOpsConnection: 'wif' }), [
      "Input 'azureDevOpsConnection' is set but connectionType is token, so it would not be used. Set connectionType to azureDevOps (or clear azureDevOpsConnection).",
    ]);
    assert.deepEqual(problemsOf({ azureResourceManagerConnection: 'arm' }), [
      "Input 'azureResourceManagerConnection' is set but connectionType is token, so it would not be used. Set connectionType to azureRM (or clear azureResourceManagerConnection).",
    ]);
    assert.deepEqual(
      problemsOf({
        connectionType: 'azureDevOps',
        azureDevOpsConnection: 'wif',
        organizationUrl: 'dev.azure.com/x',
      }),
      [
        "Input 'organizationUrl': 'dev.azure.com/x' is not an http(s) URL. Use the organization's URL, e.g. https://dev.azure.com/fabrikam/.",
      ],
    );
    assert.deepEqual(
      problemsOf({
        connectionType: 'azureDevOps',
        azureDevOpsConnection: 'wif',
        organizationUrl: 'ftp://x/',
      }),
      [
        "Input 'organizationUrl': 'ftp://x/' is not an http(s) URL. Use the organization's URL, e.g. https://dev.azure.com/fabrikam/.",
      ],
    );
    assert.match(problemsOf({ connectionType: 'oauth' })[0] ?? '', /connectionType/);
  });
});
