// The fixed organization the emulator serves: projects, areas, iterations, teams and people.
// Ids are derived from names so they are stable across runs and tests can rely on them.
import { createHash } from 'node:crypto';
import type { CustomState } from './processes';

export const ORGANIZATION = 'fabrikam';

/** A GUID-shaped id derived from a name (sha1, version nibble 5), stable across runs. */
export function stableGuid(name: string): string {
  const h = createHash('sha1').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface Person {
  id: string;
  displayName: string;
  uniqueName: string;
}

const person = (displayName: string, uniqueName: string): Person => ({
  id: stableGuid(`identity:${uniqueName}`),
  displayName,
  uniqueName,
});

export const PEOPLE = {
  alex: person('Alex Kim', 'alex@fabrikam.example'),
  sam: person('Sam Rivera', 'sam@fabrikam.example'),
  build: person('Build Service', 'build@fabrikam.example'),
} as const;

/** The identity the job token authenticates as; it lacks permissions on restricted areas. */
export const BUILD_IDENTITY: Person = PEOPLE.build;

export type ProcessName = 'Agile' | 'Scrum' | 'Basic' | 'CMMI';
export type TimeFrame = 'past' | 'current' | 'future';

export interface Iteration {
  id: string;
  path: string;
  name: string;
  startDate: string;
  finishDate: string;
  timeFrame: TimeFrame;
}

export interface Team {
  id: string;
  name: string;
  iterations: Iteration[];
}

export interface Project {
  id: string;
  name: string;
  process: ProcessName;
  areas: string[];
  /** Areas (and everything below) where the build identity may not create or edit work items. */
  restrictedAreas: string[];
  iterations: string[];
  teams: Team[];
  defaultTeam: string;
  /**
   * The project's process is an XML process (Azure DevOps Server's on-premises XML model): only the
   * transitions its workflow declares are allowed. Inherited processes allow any transition.
   */
  xmlProcess?: boolean;
  /** States added to the types of the project's inherited process, by type name in lower case. */
  customStates?: Record<string, CustomState[]>;
  /** Types of the project's inherited process an administrator disabled, by name in lower case. */
  disabledTypes?: string[];
}

const DAY = 86_400_000;
// Sprint dates around "now" so the current sprint really is current; offsets in days.
const SPRINT_DAYS: Record<TimeFrame, [number, number]> = {
  past: [-21, -8],
  current: [-7, 6],
  future: [7, 20],
};

function iteration(path: string, timeFrame: TimeFrame): Iteration {
  const [from, to] = SPRINT_DAYS[timeFrame];
  const today = Math.floor(Date.now() / DAY) * DAY;
  return {
    id: stableGuid(`iteration:${path}`),
    path,
    name: path.split('\\').pop() ?? path,
    startDate: new Date(today + from * DAY).toISOString(),
    finishDate: new Date(today + to * DAY).toISOString(),
    timeFrame,
  };
}

function team(project: string, name: string, sprints: Array<[string, TimeFrame]>): Team {
  return {
    id: stableGuid(`team:${project}:${name}`),
    name,
    iterations: sprints.map(([s, tf]) => iteration(`${project}\\${s}`, tf)),
  };
}

/** Fresh project fixtures (dates are computed at call time). */
export function buildProjects(): Project[] {
  return [
    {
      id: stableGuid('project:WebApp'),
      name: 'WebApp',
      process: 'Agile',
      areas: ['WebApp', 'WebApp\\Frontend', 'WebApp\\Restricted'],
      restrictedAreas: ['WebApp\\Restricted'],
      iterations: ['WebApp', 'WebApp\\Sprint 1', 'WebApp\\Sprint 2', 'WebApp\\Sprint 3'],
      defaultTeam: 'WebApp Team',
      teams: [
        team('WebApp', 'WebApp Team', [
          ['Sprint 1', 'past'],
          ['Sprint 2', 'current'],
          ['Sprint 3', 'future'],
        ]),
        // Platform works a sprint ahead: its current iteration is Sprint 3 (per-team timeframes).
        team('WebApp', 'Platform', [
          ['Sprint 2', 'past'],
          ['Sprint 3', 'current'],
        ]),
      ],
    },
    {
      id: stableGuid('project:Mobile'),
      name: 'Mobile',
      process: 'Scrum',
      areas: ['Mobile', 'Mobile\\iOS', 'Mobile\\Android'],
      restrictedAreas: [],
      iterations: ['Mobile', 'Mobile\\Sprint 1', 'Mobile\\Sprint 2'],
      defaultTeam: 'Mobile Team',
      teams: [
        team('Mobile', 'Mobile Team', [
          ['Sprint 1', 'current'],
          ['Sprint 2', 'future'],
        ]),
      ],
    },
    {
      id: stableGuid('project:Starter'),
      name: 'Starter',
      process: 'Basic',
      areas: ['Starter'],
      restrictedAreas: [],
      iterations: ['Starter', 'Starter\\Iteration 1'],
      defaultTeam: 'Starter Team',
      // No iterations selected for the team: "current iteration" is empty here.
      teams: [team('Starter', 'Starter Team', [])],
    },
    {
      id: stableGuid('project:Legacy'),
      name: 'Legacy',
      process: 'CMMI',
      xmlProcess: true,
      areas: ['Legacy'],
      restrictedAreas: [],
      iterations: ['Legacy', 'Legacy\\Iteration 1'],
      defaultTeam: 'Legacy Team',
      teams: [team('Legacy', 'Legacy Team', [['Iteration 1', 'current']])],
    },
    {
      // A name with spaces and a letter beyond ASCII, which every route carries percent-encoded.
      id: stableGuid('project:Fabrikam Fiber Café'),
      name: 'Fabrikam Fiber Café',
      process: 'Agile',
      areas: ['Fabrikam Fiber Café'],
      restrictedAreas: [],
      iterations: ['Fabrikam Fiber Café', 'Fabrikam Fiber Café\\Sprint 1'],
      defaultTeam: 'Fabrikam Fiber Café Team',
      teams: [team('Fabrikam Fiber Café', 'Fabrikam Fiber Café Team', [['Sprint 1', 'current']])],
    },
  ];
}

export function findProject(projects: Project[], nameOrId: string): Project | undefined {
  const key = nameOrId.toLowerCase();
  return projects.find((p) => p.name.toLowerCase() === key || p.id === key);
}

export function findTeam(project: Project, nameOrId: string | undefined): Team | undefined {
  const key = (nameOrId ?? project.defaultTeam).toLowerCase();
  return project.teams.find((t) => t.name.toLowerCase() === key || t.id === key);
}

/** Canonical casing of a tree path, or undefined when the path does not exist. */
export function canonicalPath(paths: string[], value: string): string | undefined {
  return paths.find((p) => p.toLowerCase() === value.toLowerCase());
}

export function isRestricted(project: Project, areaPath: string): boolean {
  const a = areaPath.toLowerCase();
  return project.restrictedAreas.some((r) => a === r.toLowerCase() || a.startsWith(`${r.toLowerCase()}\\`));
}
