// Identity resolution for identity fields (System.AssignedTo) and the IdentityRef JSON the service
// returns for them. Inputs accepted like the service: "email", "Display Name <email>", display name,
// id, or an IdentityRef-like object.
import { PEOPLE, stableGuid, type Person } from './org';
import type { IdentityRef } from './types';

const ALL: Person[] = Object.values(PEOPLE);

export function resolveIdentity(input: unknown): Person | undefined {
  if (input && typeof input === 'object') {
    const o = input as Record<string, unknown>;
    const key = o.uniqueName ?? o.id ?? o.displayName;
    return typeof key === 'string' ? resolveIdentity(key) : undefined;
  }
  if (typeof input !== 'string') return undefined;
  const text = input.trim();
  const bracket = /^(.*)<([^<>]+)>$/.exec(text);
  const key = (bracket ? bracket[2] : text).trim().toLowerCase();
  return ALL.find(
    (p) => p.uniqueName.toLowerCase() === key || p.id === key || p.displayName.toLowerCase() === key,
  );
}

export function findPersonByUniqueName(uniqueName: string): Person | undefined {
  return ALL.find((p) => p.uniqueName.toLowerCase() === uniqueName.toLowerCase());
}

/** Descriptor in the service's "aad.<base64>" form, derived from the id. */
const descriptor = (p: Person): string => `aad.${Buffer.from(p.id).toString('base64url')}`;

export function identityRef(p: Person, collectionUrl: string): IdentityRef {
  const avatar = `${collectionUrl}_apis/GraphProfile/MemberAvatars/${descriptor(p)}`;
  return {
    displayName: p.displayName,
    url: `${collectionUrl}_apis/Identities/${p.id}`,
    _links: { avatar: { href: avatar } },
    id: p.id,
    uniqueName: p.uniqueName,
    imageUrl: avatar,
    descriptor: descriptor(p),
  };
}

/** A person named in a seed, known or not (seeds may name people outside the fixed set). */
export function seedPerson(
  seed: { displayName: string; uniqueName: string } | undefined,
  fallback: Person,
): Person {
  if (!seed) return fallback;
  return (
    findPersonByUniqueName(seed.uniqueName) ?? {
      id: stableGuid(`identity:${seed.uniqueName}`),
      displayName: seed.displayName,
      uniqueName: seed.uniqueName,
    }
  );
}
