import * as assert from 'node:assert/strict';
import { EnvironmentError, SettingsError } from '../../tasks/PipelineWorkItem/src/errors';
import type { FederatedConnection } from '../../tasks/PipelineWorkItem/src/inputs/connectionChoice';
import {
  EndpointView,
  federatedEndpoint,
  oidcRequestUri,
  PUBLIC_AUTHORITY,
} from '../../tasks/PipelineWorkItem/src/inputs/connectionEndpoint';

const ADO: FederatedConnection = {
  kind: 'azureDevOps',
  input: 'azureDevOpsConnection',
  connection: 'wif',
  organizationUrl: undefined,
};
const ARM: FederatedConnection = {
  kind: 'azureRM',
  input: 'azureResourceManagerConnection',
  connection: 'arm',
  organizationUrl: 'https://dev.azure.com/contoso/',
};
const endpoint = (overrides: Partial<EndpointView> = {}): EndpointView => ({
  url: 'https://dev.azure.com/contoso',
  scheme: 'WorkloadIdentityFederation',
  parameters: { serviceprincipalid: 'client', tenantid: 'tenant' },
  data: {},
  ...overrides,
});

function problem(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof SettingsError, String(error));
    return error.message;
  }
  return assert.fail('expected a SettingsError');
}

describe('federated connection endpoint', () => {
  it('an Azure DevOps connection: its URL, service principal and tenant, the public cloud authority', () => {
    assert.deepEqual(federatedEndpoint(ADO, endpoint()), {
      organizationUrl: 'https://dev.azure.com/contoso/',
      tenantId: 'tenant',
      clientId: 'client',
      authority: PUBLIC_AUTHORITY,
    });
    const data = { organizationurl: 'https://dev.azure.com/fabrikam/' };
    assert.equal(
      federatedEndpoint(ADO, endpoint({ data })).organizationUrl,
      'https://dev.azure.com/fabrikam/',
    );
    assert.equal(
      federatedEndpoint({ ...ADO, organizationUrl: 'https://dev.azure.com/other/' }, endpoint({ data }))
        .organizationUrl,
      'https://dev.azure.com/other/',
    );
  });

  it("an Azure Resource Manager connection: organizationUrl, and its cloud's authority from its data", () => {
    const arm = endpoint({
      url: 'https://management.usgovcloudapi.net/',
      data: { activedirectoryauthority: 'https://login.microsoftonline.us' },
    });
    assert.deepEqual(federatedEndpoint(ARM, arm), {
      organizationUrl: 'https://dev.azure.com/contoso/',
      tenantId: 'tenant',
      clientId: 'client',
      authority: 'https://login.microsoftonline.us/',
    });
  });

  it('refuses a connection with another scheme or without its service principal, tenant or URL', () => {
    assert.equal(
      problem(() => federatedEndpoint(ARM, endpoint({ scheme: 'ServicePrincipal' }))),
      "Input 'azureResourceManagerConnection': service connection 'arm' authenticates with ServicePrincipal. This task needs a connection whose scheme is workload identity federation (edit the connection and convert it), or use connectionType token with a personal access token connection.",
    );
    assert.match(
      problem(() => federatedEndpoint(ADO, endpoint({ scheme: undefined }))),
      /authenticates with no authentication scheme\./,
    );
    assert.equal(
      problem(() => federatedEndpoint(ADO, endpoint({ parameters: { tenantid: 'tenant' } }))),
      "Input 'azureDevOpsConnection': service connection 'wif' has no serviceprincipalid this task can use. Grant this pipeline access to the connection and check that it is a workload identity federation connection.",
    );
    assert.match(
      problem(() => federatedEndpoint(ADO, endpoint({ parameters: { serviceprincipalid: 'c' } }))),
      /has no tenantid/,
    );
    assert.match(
      problem(() => federatedEndpoint(ADO, endpoint({ url: undefined }))),
      /has no URL/,
    );
  });

  it('Azure DevOps Server gives no ID token request URL: an environment error naming the PAT connection', () => {
    assert.equal(oidcRequestUri('https://dev.azure.com/x/oidc', 'wif'), 'https://dev.azure.com/x/oidc');
    assert.throws(
      () => oidcRequestUri(undefined, 'wif'),
      (error: unknown) =>
        error instanceof EnvironmentError &&
        /^Service connection 'wif': workload identity federation is an Azure DevOps Services feature/.test(
          error.message,
        ) &&
        /set connectionType to token/.test(error.message),
    );
  });
});
