// The collection's field catalogue: real reference names, display names and value kinds.
// Which type has which field is decided in processes.ts.

export type FieldKind =
  'string' | 'html' | 'plainText' | 'integer' | 'double' | 'dateTime' | 'identity' | 'treePath' | 'history';

export interface FieldDef {
  ref: string;
  name: string;
  kind: FieldKind;
  /** Set by the system only (rules reject client values unless bypassRules). */
  readOnly?: boolean;
  allowed?: Array<string | number>;
  helpText?: string;
}

const f = (ref: string, name: string, kind: FieldKind, extra: Partial<FieldDef> = {}): FieldDef => ({
  ref,
  name,
  kind,
  ...extra,
});

const ro = { readOnly: true };

export const SEVERITIES = ['1 - Critical', '2 - High', '3 - Medium', '4 - Low'];

const FIELD_LIST: FieldDef[] = [
  f('System.Id', 'ID', 'integer', ro),
  f('System.Rev', 'Rev', 'integer', ro),
  f('System.Title', 'Title', 'string'),
  f('System.Description', 'Description', 'html'),
  f('System.AreaPath', 'Area Path', 'treePath'),
  f('System.IterationPath', 'Iteration Path', 'treePath'),
  f('System.AssignedTo', 'Assigned To', 'identity'),
  f('System.State', 'State', 'string'),
  f('System.Reason', 'Reason', 'string'),
  f('System.Tags', 'Tags', 'plainText'),
  f('System.History', 'History', 'history'),
  f('System.CreatedBy', 'Created By', 'identity', ro),
  f('System.CreatedDate', 'Created Date', 'dateTime', ro),
  f('System.ChangedBy', 'Changed By', 'identity', ro),
  f('System.ChangedDate', 'Changed Date', 'dateTime', ro),
  f('System.TeamProject', 'Team Project', 'string', ro),
  f('System.WorkItemType', 'Work Item Type', 'string', ro),
  f('System.CommentCount', 'Comment Count', 'integer', ro),
  f('Microsoft.VSTS.Common.StateChangeDate', 'State Change Date', 'dateTime', ro),
  f('Microsoft.VSTS.Common.Priority', 'Priority', 'integer', {
    allowed: [1, 2, 3, 4],
    helpText: 'Business importance. 1=must fix; 4=unimportant.',
  }),
  f('Microsoft.VSTS.Common.Severity', 'Severity', 'string', {
    allowed: SEVERITIES,
    helpText: 'Assessment of the effect of the bug on the project.',
  }),
  f('Microsoft.VSTS.TCM.ReproSteps', 'Repro Steps', 'html', { helpText: 'How to see the bug.' }),
  f('Microsoft.VSTS.TCM.SystemInfo', 'System Info', 'html'),
  f('Microsoft.VSTS.Build.FoundIn', 'Found In', 'string', { helpText: 'Build in which the bug was found' }),
  f('Microsoft.VSTS.Build.IntegrationBuild', 'Integration Build', 'string'),
  f('Microsoft.VSTS.Common.Activity', 'Activity', 'string', {
    allowed: ['Deployment', 'Design', 'Development', 'Documentation', 'Requirements', 'Testing'],
  }),
  f('Microsoft.VSTS.Common.ValueArea', 'Value Area', 'string', { allowed: ['Architectural', 'Business'] }),
  f('Microsoft.VSTS.Common.Risk', 'Risk', 'string', { allowed: ['1 - High', '2 - Medium', '3 - Low'] }),
  f('Microsoft.VSTS.Common.AcceptanceCriteria', 'Acceptance Criteria', 'html'),
  f('Microsoft.VSTS.Common.ResolvedReason', 'Resolved Reason', 'string'),
  f('Microsoft.VSTS.Common.Resolution', 'Resolution', 'html'),
  f('Microsoft.VSTS.Common.StackRank', 'Stack Rank', 'double'),
  f('Microsoft.VSTS.Common.BacklogPriority', 'Backlog Priority', 'double'),
  f('Microsoft.VSTS.Common.BusinessValue', 'Business Value', 'integer'),
  f('Microsoft.VSTS.Scheduling.StoryPoints', 'Story Points', 'double'),
  f('Microsoft.VSTS.Scheduling.Effort', 'Effort', 'double'),
  f('Microsoft.VSTS.Scheduling.RemainingWork', 'Remaining Work', 'double'),
  f('Microsoft.VSTS.Scheduling.OriginalEstimate', 'Original Estimate', 'double'),
  f('Microsoft.VSTS.Scheduling.CompletedWork', 'Completed Work', 'double'),
  f('Microsoft.VSTS.Scheduling.DueDate', 'Due Date', 'dateTime'),
  f('Microsoft.VSTS.Scheduling.TargetDate', 'Target Date', 'dateTime'),
  f('Microsoft.VSTS.TCM.Steps', 'Steps', 'html'),
  f('Microsoft.VSTS.TCM.AutomatedTestName', 'Automated Test Name', 'string'),
  f('Microsoft.VSTS.CMMI.RootCause', 'Root Cause', 'string', {
    allowed: ['Coding Error', 'Design Error', 'Specification Error', 'Communication Error', 'Unknown'],
  }),
  f('Microsoft.VSTS.Common.Triage', 'Triage', 'string', {
    allowed: ['Pending', 'More Info', 'Info Received', 'Triaged'],
  }),
  // Set by the board when a card moves; the service refuses it in a JSON Patch (TF401326).
  f('System.BoardColumn', 'Board Column', 'string', ro),
];

export const FIELDS: ReadonlyMap<string, FieldDef> = new Map(FIELD_LIST.map((d) => [d.ref.toLowerCase(), d]));

/** Look a field up by reference name or display name, case-insensitively. */
export function findField(refOrName: string): FieldDef | undefined {
  const key = refOrName.toLowerCase();
  return FIELDS.get(key) ?? FIELD_LIST.find((d) => d.name.toLowerCase() === key);
}

/** Fields every type has. */
export const CORE_FIELDS = [
  'System.Id',
  'System.Rev',
  'System.Title',
  'System.Description',
  'System.AreaPath',
  'System.IterationPath',
  'System.AssignedTo',
  'System.State',
  'System.Reason',
  'System.Tags',
  'System.History',
  'System.CreatedBy',
  'System.CreatedDate',
  'System.ChangedBy',
  'System.ChangedDate',
  'System.TeamProject',
  'System.WorkItemType',
  'System.CommentCount',
  'Microsoft.VSTS.Common.StateChangeDate',
  'System.BoardColumn',
];
