import type { WorkItemDraft } from './draft';

export interface JsonPatchOperation {
  readonly op: 'add';
  readonly path: string;
  readonly value: unknown;
}

/** The JSON Patch document of one create request: every field, then every relation. */
export function createPatch(draft: WorkItemDraft): JsonPatchOperation[] {
  return [
    ...draft.fields.map(([reference, value]) => ({
      op: 'add' as const,
      path: `/fields/${reference}`,
      value,
    })),
    ...draft.relations.map((relation) => ({ op: 'add' as const, path: '/relations/-', value: relation })),
  ];
}
