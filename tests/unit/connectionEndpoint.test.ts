import * as assert from 'node:assert/strict';
import { loc } from '../../tasks/PipelineWorkItem/src/text/messages';
import { EnvironmentError, SettingsError } from '../../tasks/PipelineWorkItem/src/errors';
import type { FederatedConnection } from '../../tasks/PipelineWorkItem/src/inputs/connectionChoice';
import {
  EndpointView,
  PUBLIC_AUTHORITY,
  collectionOf,
  federatedEndpoint,
  jobCollectionUrl,
  ofJobOrganization,
  oidcRequestUri,
  releaseHostOf,
  onServices,
  sameCollection,
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

  it('an Azure Resource Manager connection named as an Azure DevOps one: names the inputs to use instead', () => {
    for (const url of [
      'https://management.azure.com/',
      'HTTPS://management.chinacloudapi.cn',
      'http://management.local/',
    ]) {
      assert.equal(
        problem(() => federatedEndpoint(ADO, endpoint({ url }))),
        loc('FederatedConnectionIsArm', 'azureDevOpsConnection', 'wif', url),
      );
    }
    // With organizationUrl the connection's own URL is not the organization, whatever it is.
    assert.equal(
      federatedEndpoint(
        { ...ADO, organizationUrl: 'https://dev.azure.com/other/' },
        endpoint({ url: 'https://management.azure.com/' }),
      ).organizationUrl,
      'https://dev.azure.com/other/',
    );
    assert.equal(
      federatedEndpoint(ADO, endpoint({ url: 'https://dev.azure.com/management.x' })).organizationUrl,
      'https://dev.azure.com/management.x/',
    );
    assert.equal(
      federatedEndpoint(ADO, endpoint({ url: 'https://tfs.example/https://management.x/' })).organizationUrl,
      'https://tfs.example/https://management.x/',
    );
    // An Azure Resource Manager connection's own URL is never taken for the organization.
    assert.match(
      problem(() =>
        federatedEndpoint(
          { ...ARM, organizationUrl: undefined },
          endpoint({ url: 'https://management.azure.com/' }),
        ),
      ),
      /has no URL/,
    );
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
    assert.equal(
      oidcRequestUri('https://dev.azure.com/x/oidc', 'wif', 'https://dev.azure.com/x/'),
      'https://dev.azure.com/x/oidc',
    );
    assert.throws(
      () => oidcRequestUri(undefined, 'wif', 'https://dev.azure.com/x/'),
      (error: unknown) =>
        error instanceof EnvironmentError &&
        /^Service connection 'wif': workload identity federation is an Azure DevOps Services feature/.test(
          error.message,
        ) &&
        /set connectionType to token/.test(error.message),
    );
  });

  it('an ID token request URL outside the job’s organization: an environment error naming the variable', () => {
    assert.throws(
      () => oidcRequestUri('https://evil.example/oidc', 'wif', 'https://dev.azure.com/fabrikam/'),
      (error: unknown) =>
        error instanceof EnvironmentError &&
        error.message.startsWith(
          "System.OidcRequestUri (https://evil.example/oidc) is not in the organization of the job's connection (https://dev.azure.com/fabrikam/), so the job token was not sent there and service connection 'wif' did not sign in.",
        ) &&
        /stop it from setting System\.OidcRequestUri/.test(error.message),
    );
    // A classic release job's connection is the Release host; its ID token request may name either host.
    const release = 'https://vsrm.dev.azure.com/fabrikam/';
    for (const uri of [
      'https://vsrm.dev.azure.com/fabrikam/p/_apis/oidctoken',
      'https://dev.azure.com/fabrikam/p/_apis/oidctoken',
    ]) {
      assert.equal(oidcRequestUri(uri, 'wif', release), uri);
    }
  });
});

describe('the job token’s collection', () => {
  const BUILD = 'https://dev.azure.com/fabrikam/';

  it('the connection’s own URL when System.TeamFoundationCollectionUri is unset', () => {
    assert.equal(jobCollectionUrl('https://dev.azure.com/fabrikam', undefined), BUILD);
    assert.equal(jobCollectionUrl(BUILD, ''), BUILD);
  });

  it('the variable when it is the connection’s collection, or in a release job the collection of the Release host', () => {
    assert.equal(jobCollectionUrl(BUILD, 'https://dev.azure.com/fabrikam'), BUILD);
    assert.equal(jobCollectionUrl('https://vsrm.dev.azure.com/fabrikam/', BUILD), BUILD);
    assert.equal(
      jobCollectionUrl('https://fabrikam.vsrm.visualstudio.com/', 'https://fabrikam.visualstudio.com/'),
      'https://fabrikam.visualstudio.com/',
    );
    assert.equal(
      jobCollectionUrl(
        'https://tfs.contoso.example/tfs/DefaultCollection/',
        'https://tfs.contoso.example/tfs/defaultcollection',
      ),
      'https://tfs.contoso.example/tfs/defaultcollection/',
    );
  });

  it('a variable outside the connection’s organization: an environment error naming the variable and the fix', () => {
    assert.throws(
      () => jobCollectionUrl(BUILD, 'https://evil.example/'),
      (error: unknown) =>
        error instanceof EnvironmentError &&
        error.message.startsWith(
          "System.TeamFoundationCollectionUri (https://evil.example/) is not in the organization of the job's connection (https://dev.azure.com/fabrikam/), so the job token was not sent there and nothing was filed.",
        ) &&
        /stop it from setting System\.TeamFoundationCollectionUri/.test(error.message),
    );
  });

  it('only a collection root, rebuilt: no query, fragment or path further into the organization', () => {
    // Every request is <root><path>?<query>: a root reaching into a repository's file, or ending in a query or a
    // fragment, turns the task's requests into another one (the resource areas read from a pushed file).
    const refused = [
      'https://dev.azure.com/fabrikam/WebApp/_apis/git/repositories/r/items?path=/areas.json&$format=octetStream#',
      'https://dev.azure.com/fabrikam/WebApp/_apis/git/repositories/r/items/',
      'https://dev.azure.com/fabrikam/?x=1',
      'https://dev.azure.com/fabrikam/#',
      'https://fabrikam.visualstudio.com/WebApp/',
      'https://tfs.contoso.example/tfs/DefaultCollection/WebApp/',
    ];
    for (const variable of refused) {
      const connection = variable.includes('contoso')
        ? 'https://tfs.contoso.example/tfs/DefaultCollection/'
        : BUILD;
      assert.throws(() => jobCollectionUrl(connection, variable), EnvironmentError, variable);
    }
    assert.equal(
      collectionOf(BUILD, 'https://vsrm.dev.azure.com/fabrikam'),
      'https://vsrm.dev.azure.com/fabrikam/',
    );
    assert.equal(
      collectionOf(BUILD, 'https://fabrikam.vsrm.visualstudio.com'),
      'https://fabrikam.vsrm.visualstudio.com/',
    );
  });

  it('the release host the resource areas name: on Services a root of the organization, elsewhere as named', () => {
    assert.equal(
      releaseHostOf(BUILD, 'https://vsrm.dev.azure.com/fabrikam/'),
      'https://vsrm.dev.azure.com/fabrikam/',
    );
    for (const foreign of [
      'https://vsrm.dev.azure.com/otherorg/',
      'https://evil.example/fabrikam/',
      'https://vsrm.dev.azure.com/fabrikam/WebApp/_apis/git/repositories/r/items',
      'http://vsrm.dev.azure.com/fabrikam/',
    ]) {
      assert.equal(releaseHostOf(BUILD, foreign), undefined, foreign);
    }
    const server = 'https://tfs.contoso.example/tfs/DefaultCollection/';
    assert.equal(releaseHostOf(server, 'https://tfs.contoso.example/tfs/DefaultCollection'), server);
    assert.equal(releaseHostOf(server, 'https://tfs.contoso.example/tfs/DefaultCollection/?x#y'), undefined);
    assert.equal(
      releaseHostOf(server, 'https://user:pw@tfs.contoso.example/tfs/DefaultCollection/'),
      undefined,
    );
  });

  it('an ID token request URL within the organization is sent rebuilt, and one with a query or fragment is refused', () => {
    const oidc =
      'https://dev.azure.com/fabrikam/00000000-0000-0000-0000-000000000001/_apis/distributedtask/oidctoken';
    assert.equal(oidcRequestUri(oidc, 'wif', BUILD), oidc);
    assert.throws(() => oidcRequestUri(`${oidc}?x=1`, 'wif', BUILD), EnvironmentError);
    assert.throws(() => oidcRequestUri(`${oidc}#`, 'wif', BUILD), EnvironmentError);
  });

  it('a URL ending in a control character is sent as URL parses it: where the check looked, not past it', () => {
    // URL drops a leading or trailing C0 control character; the text appended to would keep it inside the path.
    assert.equal(
      oidcRequestUri('https://dev.azure.com/FabriKam\u0000', 'wif', BUILD),
      'https://dev.azure.com/FabriKam',
    );
    assert.equal(
      collectionOf(BUILD, 'https://dev.azure.com/FabriKam\u0000'),
      'https://dev.azure.com/FabriKam/',
    );
  });

  const SAME: [string, string, string][] = [
    ['the same collection', BUILD, 'https://dev.azure.com/fabrikam/'],
    ['the host and organization in other case', BUILD, 'HTTPS://Dev.Azure.COM/FABRIKAM/'],
    ['the default port spelled out', BUILD, 'https://dev.azure.com:443/fabrikam/'],
    ['a path within the organization', BUILD, 'https://dev.azure.com/fabrikam/WebApp/_apis/x'],
    ['the Release host beside its collection', 'https://vsrm.dev.azure.com/fabrikam/', BUILD],
    ['the collection beside its Release host', BUILD, 'https://vsrm.dev.azure.com/fabrikam/'],
    [
      'the legacy Release host beside its collection',
      'https://fabrikam.vsrm.visualstudio.com/',
      'https://fabrikam.visualstudio.com/',
    ],
    ['the legacy and the new URL of one organization', 'https://fabrikam.vsrm.visualstudio.com/', BUILD],
    [
      'a server’s collection',
      'http://tfs:8080/tfs/DefaultCollection/',
      'http://tfs:8080/tfs/DefaultCollection/',
    ],
  ];
  for (const [name, connection, url] of SAME) {
    it(`trusts ${name}`, () => assert.equal(ofJobOrganization(connection, url), true));
  }

  const FOREIGN: [string, string, string][] = [
    ['another host', BUILD, 'https://evil.example/fabrikam/'],
    ['user info before the host', BUILD, 'https://dev.azure.com@evil.example/fabrikam/'],
    ['user info naming the host', BUILD, 'https://user:dev.azure.com@evil.example/'],
    ['a host that only starts like it', BUILD, 'https://dev.azure.com.evil.example/fabrikam/'],
    ['a trailing dot', BUILD, 'https://dev.azure.com./fabrikam/'],
    ['another port', BUILD, 'https://dev.azure.com:8443/fabrikam/'],
    ['plain http', BUILD, 'http://dev.azure.com/fabrikam/'],
    ['another organization', BUILD, 'https://dev.azure.com/otherorg/'],
    ['another organization after ..', BUILD, 'https://dev.azure.com/fabrikam/../otherorg/'],
    ['another organization after encoded ..', BUILD, 'https://dev.azure.com/fabrikam/%2e%2e/otherorg/'],
    ['an organization that starts like it', BUILD, 'https://dev.azure.com/fabrikam2/'],
    ['no organization', BUILD, 'https://dev.azure.com/'],
    ['a vsrm prefix on a foreign host', BUILD, 'https://vsrm.evil.example/fabrikam/'],
    [
      'a foreign host beside a Release host',
      'https://vsrm.dev.azure.com/fabrikam/',
      'https://evil.example/fabrikam/',
    ],
    [
      'another organization’s collection beside a Release host',
      'https://vsrm.dev.azure.com/fabrikam/',
      'https://dev.azure.com/otherorg/',
    ],
    [
      'another legacy organization',
      'https://fabrikam.vsrm.visualstudio.com/',
      'https://contoso.visualstudio.com/',
    ],
    [
      'a vsrm prefix on a foreign server',
      'http://tfs:8080/tfs/DefaultCollection/',
      'http://vsrm.tfs:8080/tfs/DefaultCollection/',
    ],
    [
      'another collection of a server',
      'http://tfs:8080/tfs/DefaultCollection/',
      'http://tfs:8080/tfs/Other/',
    ],
    ['another scheme', BUILD, 'file:///dev.azure.com/fabrikam/'],
    ['no URL', BUILD, 'dev.azure.com/fabrikam'],
    ['a malformed escape', BUILD, 'https://dev.azure.com/%E0%A4%A/'],
    ['a malformed escape within the organization', BUILD, 'https://dev.azure.com/fabrikam/%E0%A4%A/'],
    ['user info on the organization’s own host', BUILD, 'https://user@dev.azure.com/fabrikam/'],
    [
      'a host beneath the organization’s legacy host',
      'https://fabrikam.visualstudio.com/',
      'https://evil.fabrikam.visualstudio.com/',
    ],
    ['a connection that is no URL', 'fabrikam', BUILD],
  ];
  for (const [name, connection, url] of FOREIGN) {
    it(`refuses ${name}`, () => assert.equal(ofJobOrganization(connection, url), false));
  }
});

describe('one collection, however its URL is spelled', () => {
  const same: [string, string][] = [
    ['https://dev.azure.com/fabrikam/', 'https://fabrikam.visualstudio.com/'],
    ['https://fabrikam.visualstudio.com', 'https://dev.azure.com/Fabrikam'],
    ['https://dev.azure.com/fabrikam/', 'https://DEV.azure.com/fabrikam'],
    [
      'http://tfs.contoso.local:8080/tfs/DefaultCollection/',
      'http://TFS.contoso.local:8080/tfs/defaultcollection',
    ],
    ['http://tfs/tfs/Web%20Apps/', 'http://tfs/tfs/Web Apps/'],
    ['not a url', 'NOT A URL'],
  ];
  const other: [string, string][] = [
    ['https://dev.azure.com/fabrikam/', 'https://dev.azure.com/contoso/'],
    ['https://dev.azure.com/fabrikam/', 'https://contoso.visualstudio.com/'],
    ['https://dev.azure.com/fabrikam/', 'http://dev.azure.com/fabrikam/'],
    ['https://dev.azure.com/fabrikam/', 'https://tfs.contoso.local/fabrikam/'],
    ['http://tfs.contoso.local:8080/tfs/Web/', 'https://tfs.contoso.local:8080/tfs/Web/'],
    ['http://tfs.contoso.local:8080/tfs/Web/', 'http://tfs.contoso.local:8081/tfs/Web/'],
    ['http://tfs.contoso.local/tfs/Web/', 'http://tfs.contoso.local/tfs/Mobile/'],
    ['http://tfs.contoso.local/tfs/', 'http://tfs.contoso.local/tfs/Web/'],
    ['http://tfs.contoso.local/tfs/Web/', 'not a url'],
    ['not a url', 'http://tfs.contoso.local/tfs/Web/'],
  ];
  for (const [one, otherOne] of same) {
    it(`${one} and ${otherOne}: the same`, () => {
      assert.equal(sameCollection(one, otherOne), true);
      assert.equal(sameCollection(otherOne, one), true);
    });
  }
  for (const [one, otherOne] of other) {
    it(`${one} and ${otherOne}: two`, () => {
      assert.equal(sameCollection(one, otherOne), false);
      assert.equal(sameCollection(otherOne, one), false);
    });
  }
});

describe('a URL on Azure DevOps Services', () => {
  it('an organization’s hosts and its releases’, over https', () => {
    for (const url of [
      'https://dev.azure.com/fabrikam/',
      'https://vsrm.dev.azure.com/fabrikam/',
      'https://fabrikam.visualstudio.com/',
      'https://fabrikam.vsrm.visualstudio.com/',
    ]) {
      assert.equal(onServices(url), true, url);
    }
  });

  it('not a server, a host that only begins like Services’, plain http, nor text that is no URL', () => {
    for (const url of [
      'https://tfs.contoso.local/tfs/DefaultCollection/',
      'https://dev.azure.com.contoso.example/tfs/Web/',
      'https://fabrikam.visualstudio.com.contoso.example/',
      'http://dev.azure.com/fabrikam/',
      'not a url',
    ]) {
      assert.equal(onServices(url), false, url);
    }
  });
});
