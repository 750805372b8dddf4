// Location discovery, as azure-devops-node-api performs it before any REST call: OPTIONS
// {collection}/_apis/{area} lists the area's resource locations; WebApi also asks for ResourceAreas
// (an empty list means "everything on this host", as on-premises) and sometimes connectionData.
import { list, ok, type Handler } from '../context';
import { identityRef } from '../identities';
import { stableGuid } from '../org';
import type { Location } from '../routes';

/** ApiResourceLocation JSON for OPTIONS {collection}/_apis/{area}. */
export function areaLocations(all: Location[], area: string): Record<string, unknown>[] {
  return all
    .filter((l) => l.area.toLowerCase() === area.toLowerCase())
    .map((l) => ({
      id: l.locationId,
      area: l.area,
      resourceName: l.resourceName,
      routeTemplate: l.routeTemplate,
      resourceVersion: l.resourceVersion,
      minVersion: '1.0',
      maxVersion: '7.2',
      releasedVersion: l.releasedVersion,
    }));
}

export const resourceAreas: Handler = () => list([]);

export const connectionData: Handler = (ctx) => {
  const me = identityRef(ctx.identity, ctx.collectionUrl);
  const user = {
    id: me.id,
    descriptor: me.descriptor,
    providerDisplayName: me.displayName,
    isActive: true,
    properties: {},
  };
  return ok({
    authenticatedUser: user,
    authorizedUser: user,
    instanceId: stableGuid('instance:fabrikam'),
    deploymentId: stableGuid('deployment:fabrikam'),
    deploymentType: 'hosted',
    locationServiceData: {
      serviceOwner: '00025394-6065-48ca-87d9-7f5672854ef7',
      defaultAccessMappingMoniker: 'PublicAccessMapping',
      lastChangeId: 1,
      lastChangeId64: 1,
    },
  });
};
