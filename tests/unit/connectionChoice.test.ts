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
      "Input 'organizationUrl' is set but connectionType is token, so it would not be used: the item would be filed in the organization of the job (or of the 'connection' input). Set connectionType to azureDevOps or azureRM (or clear organizationUrl: the classic editor shows it while connectionType is azureDevOps or azureRM).",
    ]);
  });

  describe('organizationUrl of Azure DevOps Services: the organization, not a project or page in it', () => {
    const problems = (organizationUrl: string) =>
      problemsOf({ connectionType: 'azureRM', azureResourceManagerConnection: 'arm', organizationUrl });
    const pasted: [url: string, organization: string][] = [
      ['https://dev.azure.com/contoso/Web', 'https://dev.azure.com/contoso/'],
      ['https://dev.azure.com/contoso/Web/_boards/board/t/Web%20Team', 'https://dev.azure.com/contoso/'],
      ['https://contoso.visualstudio.com/Web/', 'https://contoso.visualstudio.com/'],
      ['https://contoso.visualstudio.com/DefaultCollection/Web', 'https://contoso.visualstudio.com/'],
      ['https://dev.azure.com/', 'https://dev.azure.com/<organization>/'],
    ];
    for (const [url, organization] of pasted) {
      it(`'${url}' names ${organization}`, () => {
        assert.deepEqual(problems(url), [
          `Input 'organizationUrl': '${url}' is not the URL of an organization, but of a page or project in it. Use the organization's URL, ${organization}, and name the project in 'project'.`,
        ]);
      });
    }

    // A classic release's System.TeamFoundationServerUri is the release service's host of the organization.
    const serviceHosts: [url: string, organization: string][] = [
      ['https://fabrikam.vsrm.visualstudio.com/', 'https://fabrikam.visualstudio.com/'],
      ['https://vsrm.dev.azure.com/fabrikam/', 'https://dev.azure.com/fabrikam/'],
      ['https://vssps.dev.azure.com/fabrikam', 'https://dev.azure.com/fabrikam/'],
      // The services' global hosts name no organization: the fix cannot name one either.
      [
        'https://app.vssps.visualstudio.com/_apis/profile/profiles/me',
        'https://<organization>.visualstudio.com/',
      ],
      ['https://vssps.dev.azure.com/_apis/profile/profiles/me', 'https://dev.azure.com/<organization>/'],
      ['https://vsrm.dev.azure.com/', 'https://dev.azure.com/<organization>/'],
    ];
    for (const [url, organization] of serviceHosts) {
      it(`'${url}', another service's host of the organization, names ${organization}`, () => {
        assert.deepEqual(problems(url), [
          `Input 'organizationUrl': '${url}' is the URL of another of the organization's services (releases, identities, packages), not of the organization, which Boards answers at. Use the organization's URL, ${organization}.`,
        ]);
      });
    }

    it('a query or fragment, which no organization URL has, is refused naming the URL without it', () => {
      for (const [url, organization] of [
        ['https://dev.azure.com/fabrikam/?src=mail', 'https://dev.azure.com/fabrikam/'],
        ['https://fabrikam.visualstudio.com#boards', 'https://fabrikam.visualstudio.com/'],
        ['https://azdo.contoso.example/tfs/Web?x=1', 'https://azdo.contoso.example/tfs/Web/'],
        // An empty query or fragment parses as none, yet every request's path appended after it would be lost.
        ['https://dev.azure.com/fabrikam/?', 'https://dev.azure.com/fabrikam/'],
        ['https://dev.azure.com/fabrikam#', 'https://dev.azure.com/fabrikam/'],
      ]) {
        assert.deepEqual(problems(url!), [
          `Input 'organizationUrl': '${url}' is not the URL of an organization, but of a page or project in it. Use the organization's URL, ${organization}, and name the project in 'project'.`,
        ]);
      }
    });

    it('takes an organization, with or without its trailing slash, a DefaultCollection URL and a server’s', () => {
      for (const url of [
        'https://dev.azure.com/contoso',
        'https://DEV.azure.com/contoso/',
        'https://contoso.visualstudio.com',
        'https://contoso.visualstudio.com/DefaultCollection/',
        'https://azdo.contoso.example/tfs/Web/',
        'http://127.0.0.1:8080/tfs/Web/',
        'https://tfs.build.contoso.example/DefaultCollection/',
      ]) {
        const settings = readSettings(
          inputs({ connectionType: 'azureRM', azureResourceManagerConnection: 'arm', organizationUrl: url }),
        );
        assert.equal(settings.federation?.organizationUrl, url.endsWith('/') ? url : `${url}/`);
      }
    });
  });

  it('names each missing or misplaced connection input and its fix', () => {
    assert.deepEqual(problemsOf({ connectionType: 'azureRM', azureResourceManagerConnection: 'arm' }), [
      "Input 'organizationUrl': an Azure Resource Manager connection names no organization. Set it to the organization to file in, e.g. https://dev.azure.com/fabrikam/.",
    ]);
    assert.deepEqual(problemsOf({ connectionType: 'azureDevOps' }), [
      "Input 'azureDevOpsConnection': connectionType azureDevOps needs a service connection here.",
    ]);
    assert.deepEqual(problemsOf({ azureDevOpsConnection: 'wif' }), [
      "Input 'azureDevOpsConnection' is set but connectionType is token, so it would not be used. Set connectionType to azureDevOps (or clear azureDevOpsConnection: the classic editor shows it while connectionType is azureDevOps).",
    ]);
    assert.deepEqual(problemsOf({ azureResourceManagerConnection: 'arm' }), [
      "Input 'azureResourceManagerConnection' is set but connectionType is token, so it would not be used. Set connectionType to azureRM (or clear azureResourceManagerConnection: the classic editor shows it while connectionType is azureRM).",
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
    assert.deepEqual(
      problemsOf({
        connectionType: 'azureDevOps',
        azureDevOpsConnection: 'wif',
        organizationUrl: 'xhttps://dev.azure.com/x',
      }),
      [
        "Input 'organizationUrl': 'xhttps://dev.azure.com/x' is not an http(s) URL. Use the organization's URL, e.g. https://dev.azure.com/fabrikam/.",
      ],
    );
    assert.match(problemsOf({ connectionType: 'oauth' })[0] ?? '', /connectionType/);
  });

  it('refuses plain http for the organization, where the access token goes, but on this machine', () => {
    const federated = { connectionType: 'azureRM', azureResourceManagerConnection: 'arm' };
    assert.deepEqual(problemsOf({ ...federated, organizationUrl: 'HTTP://dev.azure.com/fabrikam/' }), [
      "Input 'organizationUrl': 'HTTP://dev.azure.com/fabrikam/' is plain http, over which the connection's access token would cross the network unencrypted. Azure DevOps Services answers on https: use https://dev.azure.com/fabrikam/.",
    ]);
    assert.equal(problemsOf({ ...federated, organizationUrl: 'http://10.0.0.5:8080/fabrikam/' }).length, 1);
    assert.equal(problemsOf({ ...federated, organizationUrl: 'http://127.0.0.1.evil.example/x/' }).length, 1);
    for (const local of [
      'http://127.0.0.1:8080/fabrikam/',
      'http://localhost/fabrikam/',
      'http://[::1]:81/fabrikam/',
    ]) {
      const settings = readSettings(inputs({ ...federated, organizationUrl: local }));
      assert.equal(settings.federation?.organizationUrl, local);
    }
  });
});
