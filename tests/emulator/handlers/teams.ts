// Handlers for Core (projects, teams) and Work (team iterations).
import { list, ok, requireProject, type Handler, type RequestContext } from '../context';
import { notFound, projectNotFound } from '../errors';
import { projectRef } from '../buildView';
import { findTeam, type Iteration, type Project, type Team } from '../org';

const CORE_NS = 'Microsoft.TeamFoundation.Core.WebApi';
const PROCESS_IDS: Record<string, string> = {
  Agile: 'adcc42ab-9882-485e-a3ed-7678f01f66bc',
  Scrum: '6b724908-ef14-45cf-84f8-768b5384da45',
  Basic: 'b8a3a935-7e91-48b8-a94c-606d37c3e9f2',
};

function teamOrThrow(project: Project, name: string | undefined): Team {
  const team = findTeam(project, name);
  if (!team) throw notFound(`The team with id '${name}' does not exist.`, 'TeamNotFoundException', CORE_NS);
  return team;
}

const teamJson = (ctx: RequestContext, p: Project, t: Team): Record<string, unknown> => ({
  id: t.id,
  name: t.name,
  url: `${ctx.collectionUrl}_apis/projects/${p.id}/teams/${t.id}`,
  description: t.name === p.defaultTeam ? 'The default project team.' : '',
  identityUrl: `${ctx.collectionUrl}_apis/Identities/${t.id}`,
  projectName: p.name,
  projectId: p.id,
});

function projectJson(ctx: RequestContext, p: Project, capabilities: boolean): Record<string, unknown> {
  const team = teamOrThrow(p, p.defaultTeam);
  return {
    ...projectRef(ctx.collectionUrl, p),
    description: '',
    ...(capabilities
      ? {
          capabilities: {
            versioncontrol: { sourceControlType: 'Git', gitEnabled: 'True', tfvcEnabled: 'False' },
            processTemplate: { templateName: p.process, templateTypeId: PROCESS_IDS[p.process] },
          },
        }
      : {}),
    _links: {
      self: { href: `${ctx.collectionUrl}_apis/projects/${p.id}` },
      collection: {
        href: `${ctx.collectionUrl}_apis/projectCollections/${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}`,
      },
      web: { href: `${ctx.collectionUrl}${encodeURIComponent(p.name)}` },
    },
    defaultTeam: {
      id: team.id,
      name: team.name,
      url: `${ctx.collectionUrl}_apis/projects/${p.id}/teams/${team.id}`,
    },
  };
}

function projectFromParam(ctx: RequestContext): Project {
  const p = ctx.store.project(ctx.params.projectId ?? '');
  if (!p) throw projectNotFound(ctx.params.projectId ?? '');
  return p;
}

export const listProjects: Handler = (ctx) =>
  list(ctx.store.projects.map((p) => projectRef(ctx.collectionUrl, p)));

export const getProject: Handler = (ctx) =>
  ok(projectJson(ctx, projectFromParam(ctx), (ctx.query.includeCapabilities ?? '').toLowerCase() === 'true'));

export const listTeams: Handler = (ctx) => {
  const p = projectFromParam(ctx);
  return list(p.teams.map((t) => teamJson(ctx, p, t)));
};

export const getTeam: Handler = (ctx) => {
  const p = projectFromParam(ctx);
  return ok(teamJson(ctx, p, teamOrThrow(p, ctx.params.teamId)));
};

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

export const getTeamIteration: Handler = (ctx) => {
  const p = requireProject(ctx);
  const team = teamOrThrow(p, ctx.params.team);
  const it = team.iterations.find((i) => i.id === (ctx.params.id ?? '').toLowerCase());
  if (!it)
    throw notFound(
      `VS402485: The iteration ${ctx.params.id} is not part of team ${team.name}.`,
      'TeamSettingsIterationNotFoundException',
      'Microsoft.TeamFoundation.Work.WebApi',
    );
  return ok(iterationJson(ctx, p, team, it));
};
