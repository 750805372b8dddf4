import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import {
  collectionOf,
  ofJobOrganization,
  oidcRequestUri,
} from '../../tasks/PipelineWorkItem/src/inputs/connectionEndpoint';
import { withTrailingSlash } from '../../tasks/PipelineWorkItem/src/text/html';
import { hostileText } from './arbitraries';

// A step can set System.TeamFoundationCollectionUri and System.OidcRequestUri to anything: whatever it writes,
// the job token goes only to the host of the job's connection, or to a host of the same Azure DevOps Services
// organization.
describe('the job token’s destinations (properties)', () => {
  const CONNECTIONS = [
    'https://dev.azure.com/fabrikam/',
    'https://vsrm.dev.azure.com/fabrikam/',
    'https://fabrikam.visualstudio.com/',
    'https://fabrikam.vsrm.visualstudio.com/',
    'http://tfs:8080/tfs/DefaultCollection/',
  ];
  // Fragments of URLs that come close to the trusted ones.
  const url = fc.oneof(
    fc
      .tuple(
        fc.constantFrom('https://', 'http://', 'HTTPS://', 'file://', 'https:/', 'https:\\\\'),
        fc.constantFrom('', 'dev.azure.com@', 'u:p@', 'fabrikam@', '%40'),
        fc.constantFrom(
          'dev.azure.com',
          'DEV.Azure.com',
          'dev.azure.com.',
          'vsrm.dev.azure.com',
          'dev.azure.com.evil.example',
          'vsrm.evil.example',
          'evil.example',
          'fabrikam.visualstudio.com',
          'fabrikam.vsrm.visualstudio.com',
          'contoso.visualstudio.com',
          'fabrikam.visualstudio.com.evil.example',
          'tfs',
          'vsrm.tfs',
          '127.0.0.1',
        ),
        fc.constantFrom('', ':443', ':80', ':8080', ':8443'),
        fc.constantFrom(
          '/fabrikam/',
          '/FabriKam',
          '/otherorg/',
          '/',
          '',
          '/fabrikam/../otherorg/',
          '/fabrikam/%2e%2e/x/',
          '/%66abrikam/',
          '/tfs/DefaultCollection/',
          '/tfs/Other/',
          '\\@evil.example/',
          '#@evil.example/',
          '?@evil.example/',
        ),
        fc.oneof(fc.constant(''), hostileText(12)),
      )
      .map((parts) => parts.join('')),
    fc.webUrl({ withFragments: true, withQueryParameters: true }),
    hostileText(60),
  );

  // Where Azure DevOps Services serves an organization (`org`, lower case).
  const servicesHosts = (org: string): string[] => [
    'dev.azure.com',
    'vsrm.dev.azure.com',
    `${org}.visualstudio.com`,
    `${org}.vsrm.visualstudio.com`,
  ];
  const organizationOf = (parsed: URL): string | undefined =>
    parsed.host.endsWith('dev.azure.com')
      ? decodeURIComponent(parsed.pathname.split('/')[1] ?? '').toLowerCase()
      : /^([^.]+)\./.exec(parsed.host)?.[1];

  it('a trusted URL reaches the connection’s host or its organization’s, also as the task extends it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CONNECTIONS), url, (connection, candidate) => {
        if (!ofJobOrganization(connection, candidate)) return;
        const job = new URL(connection);
        // What the token is sent to is the URL as the check parsed it (URL drops a trailing control character
        // that the text still holds), and the task appends paths to it: the request goes where the check looked.
        const collection = collectionOf(connection, candidate);
        for (const trusted of [
          oidcRequestUri(candidate, 'Federated', connection),
          ...(collection ? [collection] : []),
        ]) {
          const sent = new URL(`${withTrailingSlash(trusted)}_apis/wit/wiql`);
          assert.equal(sent.username + sent.password, '', candidate);
          const sameCollection =
            sent.protocol === job.protocol &&
            sent.host === job.host &&
            decodeURIComponent(sent.pathname).toLowerCase().startsWith(job.pathname.toLowerCase());
          const org = job.protocol === 'https:' ? organizationOf(job) : undefined;
          const sameOrganization =
            org !== undefined &&
            org !== '' &&
            sent.protocol === 'https:' &&
            servicesHosts(org).includes(sent.host) &&
            organizationOf(sent) === org;
          assert.ok(sameCollection || sameOrganization, `${connection} trusted ${candidate}`);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('answers for any text, never throws', () => {
    fc.assert(
      fc.property(fc.oneof(url, hostileText(40)), url, (connection, candidate) => {
        assert.equal(typeof ofJobOrganization(connection, candidate), 'boolean');
      }),
      { numRuns: 1000 },
    );
  });
});
