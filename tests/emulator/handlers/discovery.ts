// Location discovery, as azure-devops-node-api performs it before any REST call: OPTIONS
// {collection}/_apis/{area} lists the area's resource locations; WebApi (and the task) also ask for
// ResourceAreas (an empty list means "everything on this host", as on-premises; Azure DevOps Services
// lists where each area lives).
import { list, type Handler } from '../context';
import type { Location } from '../routes';
import { advertisedVersions, DEFAULT_TOPOLOGY, resourceAreas as areasOf, type Topology } from '../topology';

/** ApiResourceLocation JSON for OPTIONS {collection}/_apis/{area}, with the server's versions. */
export function areaLocations(
  all: Location[],
  area: string,
  topology: Topology = DEFAULT_TOPOLOGY,
): Record<string, unknown>[] {
  return all
    .filter((l) => l.area.toLowerCase() === area.toLowerCase())
    .map((l) => {
      const v = advertisedVersions(topology, l);
      return {
        id: l.locationId,
        area: l.area,
        resourceName: l.resourceName,
        routeTemplate: l.routeTemplate,
        resourceVersion: v.resourceVersion,
        minVersion: v.minVersion,
        maxVersion: v.maxVersion,
        releasedVersion: v.releasedVersion,
      };
    });
}

export const resourceAreas: Handler = (ctx) => list(areasOf(ctx.topology, ctx.hosts));
