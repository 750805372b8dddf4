/**
 * Bad task input. Raised while reading settings, before any network call, and always fails the task.
 * Carries every problem found so a user fixes them in one edit, each naming its input.
 */
export class SettingsError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'SettingsError';
    this.problems = problems;
  }
}

/** The pipeline environment lacks something the task needs (not a task input). */
export class EnvironmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvironmentError';
  }
}

/**
 * Azure DevOps refused or could not be reached. `message` is already written for the user;
 * `code` is the TF/VS code when the service sent one.
 */
export class AdoError extends Error {
  readonly status: number | undefined;
  readonly code: string | undefined;
  /** Reference names of the fields whose values the service refused (TF401320, TF401347, TF401326, TF401324, TF51535). */
  readonly refusedFields: readonly string[];
  /** The service's own words, for a message that gives its own fix. */
  readonly serviceMessage: string | undefined;

  constructor(
    message: string,
    options: {
      status?: number;
      code?: string;
      cause?: unknown;
      refusedFields?: readonly string[];
      serviceMessage?: string;
    },
  ) {
    super(message, { cause: options.cause });
    this.name = 'AdoError';
    this.status = options.status;
    this.code = options.code;
    this.refusedFields = options.refusedFields ?? [];
    this.serviceMessage = options.serviceMessage;
  }
}
