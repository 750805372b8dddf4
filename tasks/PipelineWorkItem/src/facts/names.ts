// Names the agent gives to the implicit stage/job of single-job pipelines; they add nothing where a person reads.
const IMPLICIT_NAMES = new Set(['__default', 'job', 'phase_1', 'agent job']);

/** The name as a person should see it: '' for the implicit stage/job names. */
export function visibleName(name: string | undefined): string {
  return name === undefined || IMPLICIT_NAMES.has(name.trim().toLowerCase()) ? '' : name.trim();
}
