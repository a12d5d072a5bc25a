import {
  AcceptResourceShareInvitationCommand,
  CreateResourceShareCommand,
  DeleteResourceShareCommand,
  GetResourceSharesCommand,
  paginateGetResourceShareAssociations,
  paginateGetResourceShareInvitations,
  paginateGetResourceShares,
  type CreateResourceShareCommandInput,
  type GetResourceShareAssociationsCommandInput,
  type GetResourceSharesCommandInput,
  type RAMClient,
  type ResourceShare,
  type ResourceShareAssociation,
  type ResourceShareInvitation,
} from '@aws-sdk/client-ram'
import { TagKeys } from '../tags.js'
import { allItems } from './pages.js'

/**
 * AWS RAM, as the Aurora clone shares a source cluster with another account: find or create the
 * share, accept its invitation, and (delete, sweep) list and withdraw the shares it made.
 */

/** Associations that hold: in place, on their way, or failed with an invitation to act on. */
const USABLE_ASSOCIATION = new Set(['ASSOCIATED', 'ASSOCIATING', 'FAILED'])

/** Associations that still hold the resource or principal in the share. */
const HELD_ASSOCIATION = new Set(['ASSOCIATED', 'ASSOCIATING'])

export function listAssociations(
  ram: RAMClient,
  input: GetResourceShareAssociationsCommandInput,
): Promise<ResourceShareAssociation[]> {
  return allItems(
    paginateGetResourceShareAssociations({ client: ram }, input),
    (page) => page.resourceShareAssociations,
  )
}

function listShares(
  ram: RAMClient,
  input: GetResourceSharesCommandInput,
): Promise<ResourceShare[]> {
  return allItems(paginateGetResourceShares({ client: ram }, input), (page) => page.resourceShares)
}

const isLive = (s: ResourceShare): boolean => s.status === 'ACTIVE' || s.status === 'PENDING'

const carriesManagedTag = (s: ResourceShare): boolean =>
  (s.tags ?? []).some((t) => t.key === TagKeys.managed && t.value === 'true')

/**
 * Find a live share owned by the caller that holds both the resource and the principal. Shares
 * this action created (by name or tag) come first; a share someone else made works as well.
 */
export async function findShare(
  ram: RAMClient,
  wanted: { readonly resourceArn: string; readonly principal: string; readonly name: string },
): Promise<ResourceShare | undefined> {
  const { resourceArn, principal } = wanted
  const byResource = await listAssociations(ram, { associationType: 'RESOURCE', resourceArn })
  const withResource = unique(
    byResource
      .filter((a) => USABLE_ASSOCIATION.has(a.status ?? '') && a.status !== 'FAILED')
      .map((a) => a.resourceShareArn),
  )
  if (withResource.length === 0) return undefined
  const byPrincipal = await listAssociations(ram, {
    associationType: 'PRINCIPAL',
    principal,
    resourceShareArns: withResource,
  })
  const withBoth = unique(
    byPrincipal
      .filter((a) => a.associatedEntity === principal && USABLE_ASSOCIATION.has(a.status ?? ''))
      .map((a) => a.resourceShareArn),
  )
  if (withBoth.length === 0) return undefined
  const live = (
    await listShares(ram, { resourceOwner: 'SELF', resourceShareArns: withBoth })
  ).filter(isLive)
  return live.find((s) => s.name === wanted.name || carriesManagedTag(s)) ?? live[0]
}

/** The principal's association with a share (its status says whether the share reached it). */
export async function principalAssociation(
  ram: RAMClient,
  shareArn: string,
  principal: string,
): Promise<ResourceShareAssociation | undefined> {
  const associations = await listAssociations(ram, {
    associationType: 'PRINCIPAL',
    resourceShareArns: [shareArn],
    principal,
  })
  return associations.find((a) => a.associatedEntity === principal)
}

function unique(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => Boolean(v)))]
}

/** Create a share; its ARN, or undefined when RAM answered none. */
export async function createShare(
  ram: RAMClient,
  input: CreateResourceShareCommandInput,
): Promise<string | undefined> {
  const out = await ram.send(new CreateResourceShareCommand(input))
  return out.resourceShare?.resourceShareArn
}

/**
 * One share by ARN: one this account owns (`SELF`), or one shared with it (`OTHER-ACCOUNTS`,
 * which lists it only once its principal association is in place).
 */
export async function getShare(
  ram: RAMClient,
  arn: string,
  owner: 'SELF' | 'OTHER-ACCOUNTS',
): Promise<ResourceShare | undefined> {
  const out = await ram.send(
    new GetResourceSharesCommand({ resourceOwner: owner, resourceShareArns: [arn] }),
  )
  return out.resourceShares?.[0]
}

/** The invitations to a share that reached the caller's account. */
export function listInvitations(
  ram: RAMClient,
  shareArn: string,
): Promise<ResourceShareInvitation[]> {
  return allItems(
    paginateGetResourceShareInvitations({ client: ram }, { resourceShareArns: [shareArn] }),
    (page) => page.resourceShareInvitations,
  )
}

export async function acceptInvitation(ram: RAMClient, invitationArn: string): Promise<void> {
  await ram.send(
    new AcceptResourceShareInvitationCommand({ resourceShareInvitationArn: invitationArn }),
  )
}

/** A RAM share in the source account carrying this action's managed tag, with what it holds. */
export interface ManagedShare {
  readonly arn: string
  readonly name: string
  readonly status: string
  readonly createdAt?: Date
  /** ARNs of the shared resources (the source clusters). */
  readonly resources: readonly string[]
  /** Account ids it is shared with. */
  readonly principals: readonly string[]
}

/**
 * Live shares (ACTIVE or PENDING) the account owns that carry the managed tag. The tag proves the
 * action made the share; a share someone else made is never listed.
 */
export async function managedShares(ram: RAMClient): Promise<ManagedShare[]> {
  const shares = await listShares(ram, {
    resourceOwner: 'SELF',
    tagFilters: [{ tagKey: TagKeys.managed, tagValues: ['true'] }],
  })
  const live = shares.filter((s) => isLive(s) && carriesManagedTag(s))
  return Promise.all(live.map((share) => describeShare(ram, share)))
}

async function describeShare(ram: RAMClient, share: ResourceShare): Promise<ManagedShare> {
  const arn = share.resourceShareArn ?? ''
  const [resources, principals] = await Promise.all(
    (['RESOURCE', 'PRINCIPAL'] as const).map(async (associationType) =>
      (await listAssociations(ram, { associationType, resourceShareArns: [arn] }))
        .filter((a) => HELD_ASSOCIATION.has(a.status ?? ''))
        .flatMap((a) => (a.associatedEntity ? [a.associatedEntity] : [])),
    ),
  )
  return {
    arn,
    name: share.name ?? arn,
    status: share.status ?? 'unknown',
    createdAt: share.creationTime,
    resources: resources ?? [],
    principals: principals ?? [],
  }
}

export async function deleteShare(ram: RAMClient, arn: string): Promise<void> {
  await ram.send(new DeleteResourceShareCommand({ resourceShareArn: arn }))
}

/** Withdraw (delete) a share; one already gone or being deleted counts as withdrawn. */
export async function withdrawShare(ram: RAMClient, arn: string): Promise<void> {
  try {
    await deleteShare(ram, arn)
  } catch (error) {
    const name = (error as { name?: string }).name
    if (name === 'UnknownResourceException' || name === 'InvalidStateTransitionException') return
    throw error
  }
}
