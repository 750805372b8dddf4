// Location discovery, as azure-devops-node-api performs it before any REST call: OPTIONS
// {collection}/_apis/{area} lists the area's resource locations; WebApi (and the task) also ask for
// ResourceAreas (no list means "everything on this host", as on-premises; Azure DevOps Services lists where
// each area lives).
import { list, ok, type Handler } from '../context';
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

// A server on one host answers no list at all, `{"count":0,"value":null}` (as azure-devops-node-api's WebApi.ts
// notes of on-premises servers): a client must not take `value` for an array.
export const resourceAreas: Handler = (ctx) => {
  const areas = areasOf(ctx.topology, ctx.hosts);
  return areas.length === 0 ? ok({ count: 0, value: null }) : list(areas);
};
