import type { Relation } from './draft';

export interface JsonPatchOperation {
  readonly op: 'add' | 'test';
  readonly path: string;
  readonly value: unknown;
}

/** The optimistic-concurrency guard: the write applies only while the item is still at revision `rev`. */
export function testRevision(rev: number): JsonPatchOperation {
  return { op: 'test', path: '/rev', value: rev };
}

/** A JSON Patch document that sets `fields` and adds `relations`. */
export function patchOf(
  fields: readonly (readonly [reference: string, value: string | number])[],
  relations: readonly Relation[] = [],
): JsonPatchOperation[] {
  return [
    ...fields.map(([reference, value]) => ({ op: 'add' as const, path: `/fields/${reference}`, value })),
    ...relations.map((relation) => ({ op: 'add' as const, path: '/relations/-', value: relation })),
  ];
}
