// Errors in the JSON shape the real service sends ($id, innerException, message, typeName, typeKey,
// errorCode, eventId), so clients and the task see what they would see in production.
// Messages marked "emulator-chosen" are plausible but were not captured from the live service.

const WIT = 'Microsoft.TeamFoundation.WorkItemTracking.Server';

export class AdoError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly typeKey: string,
    readonly namespace: string = WIT,
    readonly customProperties?: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toJSON(): Record<string, unknown> {
    return {
      $id: '1',
      ...(this.customProperties ? { customProperties: this.customProperties } : {}),
      innerException: null,
      message: this.message,
      typeName: `${this.namespace}.${this.typeKey}, ${this.namespace}`,
      typeKey: this.typeKey,
      errorCode: 0,
      eventId: 3200,
    };
  }
}

export type RuleCode =
  | 'Required'
  | 'InvalidEmpty'
  | 'InvalidTooLong'
  | 'LimitedToValues'
  | 'InvalidListValue'
  | 'ValidIdentity'
  | 'InvalidIdentity'
  | 'InvalidType'
  | 'InvalidCharacters';

export interface RuleViolation {
  field: string;
  fieldName: string;
  codes: RuleCode[];
}

// Numeric field status codes: emulator-chosen, stable so tests may compare them.
const STATUS_CODE: Record<RuleCode, number> = {
  Required: 1,
  InvalidEmpty: 4,
  InvalidTooLong: 8,
  LimitedToValues: 16,
  InvalidListValue: 32,
  ValidIdentity: 256,
  InvalidIdentity: 512,
  InvalidType: 1024,
  InvalidCharacters: 2048,
};

const ruleMessage = (v: RuleViolation): string =>
  `TF401320: Rule Error for field ${v.fieldName}. Error code: ${v.codes.join(', ')}.`;

/** TF401320 with customProperties.RuleValidationErrors naming every violating field. */
export function ruleError(violations: RuleViolation[]): AdoError {
  const first = violations[0];
  const flags = (v: RuleViolation): string => v.codes.map((c) => c[0].toLowerCase() + c.slice(1)).join(', ');
  const errors = violations.map((v) => ({
    fieldReferenceName: v.field,
    fieldStatusFlags: flags(v),
    errorMessage: ruleMessage(v),
    fieldStatusCode: v.codes.reduce((sum, c) => sum | STATUS_CODE[c], 0),
    ruleValidationErrors: null,
  }));
  return new AdoError(400, ruleMessage(first), 'RuleValidationException', WIT, {
    FieldReferenceName: first.field,
    FieldStatusFlags: flags(first),
    ErrorMessage: ruleMessage(first),
    RuleValidationErrors: errors,
  });
}

/** What the service answers for a value sent to a read-only field (System.BoardColumn, System.CreatedDate, …). */
export const readOnlyField = (ref: string): AdoError =>
  new AdoError(
    400,
    `TF401326: Invalid field status 'ReadOnly' for field '${ref}'.`,
    'WorkItemFieldInvalidException',
  );

/**
 * What the service answers for a value longer than its field holds: TF401324 naming the field, status 400, as
 * public reports quote it for System.Title ("TF401324: Value for field 'System.Title' is too long."); its custom
 * property and type key are emulator-chosen.
 */
export const fieldTooLong = (ref: string): AdoError =>
  new AdoError(400, `TF401324: Value for field '${ref}' is too long.`, 'WorkItemFieldInvalidException', WIT, {
    ReferenceName: ref,
  });

export const unknownField = (ref: string): AdoError =>
  new AdoError(400, `TF51535: Cannot find field ${ref}.`, 'WorkItemFieldInvalidException');

export const invalidTreePath = (id: number, field: string): AdoError =>
  new AdoError(
    400,
    `TF401347: Invalid tree name given for work item ${id}, field '${field}'.`,
    'WorkItemFieldInvalidTreeNameException',
  );

// Status 403: the service answers TF237111 with 403 or 404; inject a 404 fault to test the other case.
export const noAreaPermission = (): AdoError =>
  new AdoError(
    403,
    'TF237111: The current user does not have permissions to save work items under the specified area path.',
    'WorkItemUnauthorizedAccessException',
  );

export const noTagPermission = (): AdoError =>
  new AdoError(
    403,
    'TF401289: The current user does not have permissions to create tags.',
    'UnauthorizedAccessException',
  );

/**
 * TF215106, the Build service's refusal of a read the identity lacks a pipeline permission for ("View builds"), in
 * the body public reports quote (typeKey AccessDeniedException, errorCode 0). The 403 is the status of an access
 * denial; no report shows it.
 */
export const buildAccessDenied = (
  who: string,
  permission: string,
  pipeline: string,
  project: string,
): AdoError =>
  new AdoError(
    403,
    `TF215106: Access denied. ${who} needs ${permission} permissions for build pipeline ${pipeline} in team project ${project} to perform the action. For more information, contact the Azure DevOps administrator.`,
    'AccessDeniedException',
    'Microsoft.TeamFoundation.Build.WebApi',
  );

/** VS402904, Release Management's refusal of a read without "View releases", in the wording public reports quote. */
export const releaseAccessDenied = (who: string): AdoError =>
  new AdoError(
    403,
    `VS402904: Access denied: User ${who} does not have view releases permission. Contact your release manager.`,
    'AccessDeniedException',
    'Microsoft.VisualStudio.Services.ReleaseManagement.Data',
  );

export const typeNotFound = (type: string, project: string): AdoError =>
  new AdoError(
    404,
    `VS402323: Work item type ${type} does not exist in project ${project} or you do not have permission to access it.`,
    'WorkItemTypeNotFoundException',
  );

// Learn documents that a disabled type's create is refused through the REST API, not with which code or words:
// these are the emulator's own.
export const typeDisabled = (type: string, project: string): AdoError =>
  new AdoError(
    400,
    `Work item type ${type} is disabled in project ${project}: no work item of this type can be created.`,
    'WorkItemTypeDisabledException',
  );

export const workItemNotFound = (id: number | string, status = 404): AdoError =>
  new AdoError(
    status,
    `TF401232: Work item ${id} does not exist, or you do not have permissions to read it.`,
    'WorkItemUnauthorizedAccessException',
  );

export const projectNotFound = (name: string): AdoError =>
  new AdoError(
    404,
    `TF200016: The following project does not exist: ${name}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server.`,
    'ProjectDoesNotExistWithNameException',
    'Microsoft.TeamFoundation.Core.WebApi',
  );

/**
 * VS800075, the answer to a project the identity may not see, named by id as the service names it: 404 alike for one
 * that does not exist (Microsoft Learn, "Access Azure DevOps with Microsoft Entra workload identity", and the body
 * public reports quote for a job token reading another project's build). The typeKey is emulator-chosen.
 */
export const projectUnseen = (id: string): AdoError =>
  new AdoError(
    404,
    `VS800075: The project with id 'vstfs:///Classification/TeamProject/${id}' does not exist, or you do not have permission to access it.`,
    'ProjectDoesNotExistException',
    'Microsoft.TeamFoundation.Core.WebApi',
  );

/**
 * A refusal the service answers in the model-state shape `{"count":1,"value":{"Message":…}}` rather than the usual
 * error body, as a live request/response log shows it for a `remove` that carries a value (sources in README.md).
 */
export class ModelStateError extends AdoError {
  constructor(message: string) {
    super(400, message, 'ModelStateError');
  }

  override toJSON(): Record<string, unknown> {
    return { count: 1, value: { Message: this.message } };
  }
}

export const badRequest = (message: string, typeKey = 'VssPropertyValidationException'): AdoError =>
  new AdoError(400, message, typeKey, 'Microsoft.VisualStudio.Services.Common');

export const notFound = (message: string, typeKey: string, namespace = WIT): AdoError =>
  new AdoError(404, message, typeKey, namespace);

export const unauthorized = (): AdoError =>
  new AdoError(
    401,
    "TF400813: The user '' is not authorized to access this resource.",
    'UnauthorizedRequestException',
    'Microsoft.TeamFoundation.Framework.Server',
  );

/**
 * TF401444, Microsoft Learn's error for a service principal's token when the service principal was not added to
 * the organization ("Use service principals & managed identities", Potential errors); status and typeKey
 * emulator-chosen (those of a refused credential).
 */
export const notSignedIn = (who: string): AdoError =>
  new AdoError(
    401,
    `TF401444: Sign-in at least once as ${who} in a web browser to enable access to the service.`,
    'UnauthorizedRequestException',
    'Microsoft.TeamFoundation.Framework.Server',
  );

/** What the service says for a body of the wrong Content-Type. */
export const unsupportedContentType = (given: string, method: string, valid: string): AdoError =>
  new AdoError(
    415,
    `The request indicated a Content-Type of "${given}" for method type "${method}" which is not supported. Valid content types for this method are: ${valid}.`,
    'VssRequestContentTypeNotSupportedException',
    'Microsoft.VisualStudio.Services.WebApi',
  );
