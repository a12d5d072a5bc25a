/**
 * RAM operations (REST-JSON, member names as in sim/models/ram.json) over a RamStore.
 */
import { randomUUID } from 'node:crypto'
import { AwsError, type CallContext, type ServiceHandlers } from '../../core/types.ts'
import { paginate } from './paging.ts'
import type { Association, Invitation, RamStore, Share, Tag } from './store.ts'

/** RAM's limit of tags per resource share. */
export const MAX_TAGS = 50

type Output = Record<string, unknown>

const strings = (value: unknown): string[] => (Array.isArray(value) ? (value as string[]) : [])
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

export function shareOut(share: Share): Output {
  return {
    resourceShareArn: share.arn,
    name: share.name,
    owningAccountId: share.owner,
    allowExternalPrincipals: share.allowExternalPrincipals,
    status: share.status,
    tags: share.tags.map((t) => ({ ...t })),
    creationTime: new Date(share.creationTime),
    lastUpdatedTime: new Date(share.lastUpdatedTime),
    featureSet: 'STANDARD',
  }
}

export function associationOut(store: RamStore, a: Association): Output {
  return {
    resourceShareArn: a.shareArn,
    resourceShareName: store.shares.get(a.shareArn)?.name,
    associatedEntity: a.entity,
    associationType: a.type,
    status: a.status,
    statusMessage: a.statusMessage,
    creationTime: new Date(a.creationTime),
    lastUpdatedTime: new Date(a.lastUpdatedTime),
    external: a.external,
  }
}

export function invitationOut(i: Invitation): Output {
  return {
    resourceShareInvitationArn: i.arn,
    resourceShareName: i.shareName,
    resourceShareArn: i.shareArn,
    senderAccountId: i.sender,
    receiverAccountId: i.receiver,
    invitationTimestamp: new Date(i.timestamp),
    status: i.status,
  }
}

function tagsOf(value: unknown): Tag[] {
  const tags = (Array.isArray(value) ? value : []) as { key?: string; value?: string }[]
  if (tags.length > MAX_TAGS) {
    throw new AwsError(
      'TagLimitExceededException',
      `A resource share can have at most ${MAX_TAGS} tags.`,
    )
  }
  return tags.map((t) => ({ key: t.key ?? '', value: t.value }))
}

/**
 * Client-token idempotency: a repeated token with the same parameters answers as the first call;
 * with other parameters it is IdempotentParameterMismatchException.
 */
class Idempotency {
  private readonly seen = new Map<string, { fingerprint: string; answer: () => Output }>()

  run(ctx: CallContext, params: unknown, call: () => () => Output): Output {
    const token = str(ctx.input.clientToken)
    if (token === undefined) return { ...call()(), clientToken: randomUUID() }
    const key = `${ctx.account}|${ctx.operation}|${token}`
    const fingerprint = JSON.stringify(params)
    const previous = this.seen.get(key)
    if (previous) {
      if (previous.fingerprint !== fingerprint) {
        throw new AwsError(
          'IdempotentParameterMismatchException',
          `The client token ${token} was already used with different parameters.`,
        )
      }
      return { ...previous.answer(), clientToken: token }
    }
    const answer = call()
    this.seen.set(key, { fingerprint, answer })
    return { ...answer(), clientToken: token }
  }
}

function requireLive(share: Share): void {
  if (share.status === 'DELETING' || share.status === 'DELETED' || share.status === 'FAILED') {
    throw new AwsError(
      'InvalidStateTransitionException',
      `ResourceShare ${share.arn} is in state ${share.status}.`,
    )
  }
}

function createResourceShare(store: RamStore, ids: Idempotency, ctx: CallContext): Output {
  const resourceArns = strings(ctx.input.resourceArns)
  const principals = strings(ctx.input.principals)
  const allowExternalPrincipals = ctx.input.allowExternalPrincipals !== false
  const name = str(ctx.input.name) ?? ''
  const tags = tagsOf(ctx.input.tags)
  const params = { name, resourceArns, principals, allowExternalPrincipals, tags }
  return ids.run(ctx, params, () => {
    store.checkResources(ctx.account, resourceArns)
    store.checkPrincipals({ owner: ctx.account, allowExternalPrincipals }, principals)
    const share = store.createShare({ owner: ctx.account, name, allowExternalPrincipals, tags })
    resourceArns.forEach((arn) => store.associate(share, 'RESOURCE', arn))
    principals.forEach((p) => store.associate(share, 'PRINCIPAL', p))
    store.scheduler.settle()
    return () => ({ resourceShare: shareOut(share) })
  })
}

function associateResourceShare(store: RamStore, ids: Idempotency, ctx: CallContext): Output {
  const shareArn = str(ctx.input.resourceShareArn) ?? ''
  const resourceArns = strings(ctx.input.resourceArns)
  const principals = strings(ctx.input.principals)
  return ids.run(ctx, { shareArn, resourceArns, principals }, () => {
    const share = store.ownShare(ctx.account, shareArn)
    requireLive(share)
    store.checkResources(ctx.account, resourceArns)
    store.checkPrincipals(share, principals)
    const associations = [
      ...resourceArns.map((arn) => store.associate(share, 'RESOURCE', arn)),
      ...principals.map((p) => store.associate(share, 'PRINCIPAL', p)),
    ]
    store.scheduler.settle()
    const out = associations.map((a) => associationOut(store, a))
    return () => ({ resourceShareAssociations: out })
  })
}

function disassociateResourceShare(store: RamStore, ids: Idempotency, ctx: CallContext): Output {
  const shareArn = str(ctx.input.resourceShareArn) ?? ''
  const resourceArns = strings(ctx.input.resourceArns)
  const principals = strings(ctx.input.principals)
  return ids.run(ctx, { shareArn, resourceArns, principals }, () => {
    const share = store.ownShare(ctx.account, shareArn)
    requireLive(share)
    resourceArns.forEach((arn) => store.checkArn(arn, 'resource ARN'))
    const wanted = [
      ...resourceArns.map((arn) => ['RESOURCE', arn] as const),
      ...principals.map((p) => ['PRINCIPAL', p] as const),
    ]
    const associations = wanted.map(([type, entity]) => {
      const association = store.findAssociation(share.arn, type, entity)
      if (!association || !['ASSOCIATING', 'ASSOCIATED'].includes(association.status)) {
        throw new AwsError(
          'UnknownResourceException',
          `${entity} is not associated with ResourceShare ${share.arn}.`,
        )
      }
      return association
    })
    associations.forEach((a) => store.disassociate(a))
    store.scheduler.settle()
    const out = associations.map((a) => associationOut(store, a))
    return () => ({ resourceShareAssociations: out })
  })
}

function deleteResourceShare(store: RamStore, ids: Idempotency, ctx: CallContext): Output {
  const shareArn = str(ctx.input.resourceShareArn) ?? ''
  return ids.run(ctx, { shareArn }, () => {
    store.deleteShare(store.ownShare(ctx.account, shareArn))
    store.scheduler.settle()
    return () => ({ returnValue: true })
  })
}

function acceptInvitation(store: RamStore, ids: Idempotency, ctx: CallContext): Output {
  const arn = str(ctx.input.resourceShareInvitationArn) ?? ''
  return ids.run(ctx, { arn }, () => {
    const invitation = store.accept(ctx.account, arn)
    store.scheduler.settle()
    const out = invitationOut(invitation)
    return () => ({ resourceShareInvitation: out })
  })
}

function getResourceShareInvitations(store: RamStore, ctx: CallContext): Output {
  const shareArns = strings(ctx.input.resourceShareArns)
  const invitationArns = strings(ctx.input.resourceShareInvitationArns)
  store.checkShareArns(shareArns)
  invitationArns.forEach((arn) => store.checkInvitationArn(arn))
  const mine = [...store.invitations.values()].filter((i) => i.receiver === ctx.account)
  for (const arn of invitationArns) {
    if (!mine.some((i) => i.arn === arn)) {
      throw new AwsError(
        'ResourceShareInvitationArnNotFoundException',
        `ResourceShareInvitation ${arn} could not be found.`,
      )
    }
  }
  const matching = mine.filter(
    (i) =>
      (shareArns.length === 0 || shareArns.includes(i.shareArn)) &&
      (invitationArns.length === 0 || invitationArns.includes(i.arn)),
  )
  const { page, nextToken } = paginate(matching, ctx.input)
  return { resourceShareInvitations: page.map(invitationOut), nextToken }
}

function sharesFor(store: RamStore, ctx: CallContext): Share[] {
  const shareArns = strings(ctx.input.resourceShareArns)
  store.checkShareArns(shareArns)
  const shares =
    ctx.input.resourceOwner === 'SELF'
      ? [...store.shares.values()].filter((s) => s.owner === ctx.account)
      : store.receivedShares(ctx.account)
  return shares.filter((s) => shareArns.length === 0 || shareArns.includes(s.arn))
}

function getResourceShares(store: RamStore, ctx: CallContext): Output {
  const status = str(ctx.input.resourceShareStatus)
  const name = str(ctx.input.name)
  const tagFilters = (ctx.input.tagFilters ?? []) as { tagKey?: string; tagValues?: string[] }[]
  const matching = sharesFor(store, ctx).filter(
    (s) =>
      (status === undefined || s.status === status) &&
      (name === undefined || s.name === name) &&
      tagFilters.every((f) =>
        s.tags.some(
          (t) =>
            t.key === f.tagKey && (!f.tagValues?.length || f.tagValues.includes(t.value ?? '')),
        ),
      ),
  )
  const { page, nextToken } = paginate(matching, ctx.input)
  return { resourceShares: page.map(shareOut), nextToken }
}

function getResourceShareAssociations(store: RamStore, ctx: CallContext): Output {
  const type = ctx.input.associationType as Association['type']
  const resourceArn = str(ctx.input.resourceArn)
  const principal = str(ctx.input.principal)
  if ((type === 'PRINCIPAL' && resourceArn) || (type === 'RESOURCE' && principal)) {
    throw new AwsError(
      'InvalidParameterException',
      type === 'PRINCIPAL'
        ? 'resourceArn can only be specified with associationType RESOURCE.'
        : 'principal can only be specified with associationType PRINCIPAL.',
    )
  }
  if (resourceArn !== undefined) store.checkArn(resourceArn, 'resource ARN')
  const shareArns = new Set(
    sharesFor(store, { ...ctx, input: { ...ctx.input, resourceOwner: 'SELF' } }).map((s) => s.arn),
  )
  const status = str(ctx.input.associationStatus)
  const matching = store.associations.filter(
    (a) =>
      shareArns.has(a.shareArn) &&
      a.type === type &&
      (resourceArn === undefined || a.entity === resourceArn) &&
      (principal === undefined || a.entity === principal) &&
      (status === undefined || a.status === status),
  )
  const { page, nextToken } = paginate(matching, ctx.input)
  return { resourceShareAssociations: page.map((a) => associationOut(store, a)), nextToken }
}

const RESOURCE_TYPE = /^[a-z0-9-]+:[A-Za-z0-9]+$/

function resourceTypeFilter(ctx: CallContext): string | undefined {
  const type = str(ctx.input.resourceType)
  if (type !== undefined && !RESOURCE_TYPE.test(type)) {
    throw new AwsError(
      'InvalidResourceTypeException',
      `The specified resource type ${type} is not valid.`,
    )
  }
  return type
}

/** Resource associations visible to the caller: live ones it owns, ASSOCIATED ones it receives. */
function visibleResources(store: RamStore, ctx: CallContext): Association[] {
  const self = ctx.input.resourceOwner === 'SELF'
  const shares = new Set(
    sharesFor(store, ctx)
      .filter((s) => self || s.status === 'ACTIVE')
      .map((s) => s.arn),
  )
  const type = resourceTypeFilter(ctx)
  return store.associations.filter(
    (a) =>
      a.type === 'RESOURCE' &&
      shares.has(a.shareArn) &&
      (self ? ['ASSOCIATING', 'ASSOCIATED'].includes(a.status) : a.status === 'ASSOCIATED') &&
      (type === undefined || store.resources.lookup(a.entity)?.type === type),
  )
}

function listResources(store: RamStore, ctx: CallContext): Output {
  const resourceArns = strings(ctx.input.resourceArns)
  const principal = str(ctx.input.principal)
  const matching = visibleResources(store, ctx).filter(
    (a) =>
      (resourceArns.length === 0 || resourceArns.includes(a.entity)) &&
      (principal === undefined || livePrincipal(store, a.shareArn, principal)),
  )
  const { page, nextToken } = paginate(matching, ctx.input)
  return {
    resources: page.map((a) => ({
      arn: a.entity,
      type: store.resources.lookup(a.entity)?.type,
      resourceShareArn: a.shareArn,
      status: 'AVAILABLE',
      creationTime: new Date(a.creationTime),
      lastUpdatedTime: new Date(a.lastUpdatedTime),
      resourceRegionScope: 'REGIONAL',
    })),
    nextToken,
  }
}

function livePrincipal(store: RamStore, shareArn: string, principal: string): boolean {
  const status = store.findAssociation(shareArn, 'PRINCIPAL', principal)?.status
  return status === 'ASSOCIATING' || status === 'ASSOCIATED'
}

function listPrincipals(store: RamStore, ctx: CallContext): Output {
  const self = ctx.input.resourceOwner === 'SELF'
  const principals = strings(ctx.input.principals)
  const resourceArn = str(ctx.input.resourceArn)
  const filterByResource = resourceArn !== undefined || ctx.input.resourceType !== undefined
  const withResource = new Set(
    visibleResources(store, ctx)
      .filter((a) => resourceArn === undefined || a.entity === resourceArn)
      .map((a) => a.shareArn),
  )
  const shares = new Set(sharesFor(store, ctx).map((s) => s.arn))
  const matching = store.associations.filter(
    (a) =>
      a.type === 'PRINCIPAL' &&
      shares.has(a.shareArn) &&
      (self ? livePrincipal(store, a.shareArn, a.entity) : a.entity === ctx.account) &&
      (!filterByResource || withResource.has(a.shareArn)) &&
      (principals.length === 0 || principals.includes(a.entity)),
  )
  const { page, nextToken } = paginate(matching, ctx.input)
  return {
    principals: page.map((a) => ({
      id: a.entity,
      resourceShareArn: a.shareArn,
      creationTime: new Date(a.creationTime),
      lastUpdatedTime: new Date(a.lastUpdatedTime),
      external: a.external,
    })),
    nextToken,
  }
}

function tagResource(store: RamStore, ctx: CallContext): Output {
  const byShare = str(ctx.input.resourceShareArn)
  const byArn = str(ctx.input.resourceArn)
  if ((byShare === undefined) === (byArn === undefined)) {
    throw new AwsError(
      'InvalidParameterException',
      'Specify exactly one of resourceShareArn and resourceArn.',
    )
  }
  const share = store.ownShare(ctx.account, (byShare ?? byArn)!)
  const merged = new Map(share.tags.map((t) => [t.key, t]))
  for (const tag of tagsOf(ctx.input.tags)) merged.set(tag.key, tag)
  share.tags = tagsOf([...merged.values()])
  share.lastUpdatedTime = store.now()
  return {}
}

/** All RAM handlers of the model, bound to one store; each first applies due status changes. */
export function ramHandlers(store: RamStore): ServiceHandlers {
  const ids = new Idempotency()
  const bind =
    (fn: (store: RamStore, ctx: CallContext) => Output) =>
    (ctx: CallContext): Output => {
      store.scheduler.settle()
      return fn(store, ctx)
    }
  const withTokens =
    (fn: (store: RamStore, ids: Idempotency, ctx: CallContext) => Output) =>
    (s: RamStore, ctx: CallContext): Output =>
      fn(s, ids, ctx)
  return {
    AcceptResourceShareInvitation: bind(withTokens(acceptInvitation)),
    AssociateResourceShare: bind(withTokens(associateResourceShare)),
    CreateResourceShare: bind(withTokens(createResourceShare)),
    DeleteResourceShare: bind(withTokens(deleteResourceShare)),
    DisassociateResourceShare: bind(withTokens(disassociateResourceShare)),
    GetResourceShareAssociations: bind(getResourceShareAssociations),
    GetResourceShareInvitations: bind(getResourceShareInvitations),
    GetResourceShares: bind(getResourceShares),
    ListPrincipals: bind(listPrincipals),
    ListResources: bind(listResources),
    TagResource: bind(tagResource),
  }
}
