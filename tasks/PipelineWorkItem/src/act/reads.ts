import { AdoError, SettingsError } from '../errors';
import type { Settings } from '../inputs/settings';
import type { Boards } from '../ports';
import { loc } from '../text/messages';
import { chooseWorkItemType, WorkItemTypeInfo } from '../workItem/workItemType';

/** The requested type among the project's types (Bug falls back to Issue). @throws SettingsError */
export async function chosenType(
  types: Promise<WorkItemTypeInfo[]>,
  settings: Settings,
  project: string,
  warn: (message: string) => void,
): Promise<WorkItemTypeInfo> {
  const chosen = chooseWorkItemType(settings.workItemType, await types, project);
  if ('problem' in chosen) throw new SettingsError([chosen.problem]);
  if (chosen.warning) warn(chosen.warning);
  return chosen.type;
}

/**
 * The iteration the item goes to; undefined = the project's default. A lapsed sprint schedule or a renamed team
 * must not cost the bug: it then files in the default iteration and says why.
 */
export async function iterationPath(
  boards: Boards,
  settings: Settings,
  project: string,
  warn: (message: string) => void,
): Promise<string | undefined> {
  const choice = settings.iterationPath;
  if (choice.kind === 'default') return undefined;
  if (choice.kind === 'path') return choice.path;
  try {
    const path = await boards.currentIteration(project, choice.team);
    if (path) return path;
    warn(
      choice.team === undefined
        ? loc('NoCurrentIterationDefaultTeam', project)
        : loc('NoCurrentIterationTeam', choice.team),
    );
  } catch (error) {
    if (!(error instanceof AdoError)) throw error;
    warn(loc('IterationUnreadable', error.message));
  }
  return undefined;
}
