// Handler for Work: a team's iterations.
import { list, requireProject, type Handler, type RequestContext } from '../context';
import { notFound } from '../errors';
import { findTeam, type Iteration, type Project, type Team } from '../org';

const CORE_NS = 'Microsoft.TeamFoundation.Core.WebApi';

function teamOrThrow(project: Project, name: string | undefined): Team {
  const team = findTeam(project, name);
  if (!team) throw notFound(`The team with id '${name}' does not exist.`, 'TeamNotFoundException', CORE_NS);
  return team;
}

const iterationJson = (ctx: RequestContext, p: Project, t: Team, i: Iteration): Record<string, unknown> => ({
  id: i.id,
  name: i.name,
  path: i.path,
  attributes: { startDate: i.startDate, finishDate: i.finishDate, timeFrame: i.timeFrame },
  url: `${ctx.collectionUrl}${p.id}/${t.id}/_apis/work/teamsettings/iterations/${i.id}`,
});

export const listTeamIterations: Handler = (ctx) => {
  const p = requireProject(ctx);
  const team = teamOrThrow(p, ctx.params.team);
  const frame = (ctx.query.$timeframe ?? '').toLowerCase();
  const hits = team.iterations.filter((i) => !frame || i.timeFrame === frame);
  return list(hits.map((i) => iterationJson(ctx, p, team, i)));
};
