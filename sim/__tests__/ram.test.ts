import { describe, expect, it } from '@jest/globals'
import { fails, handlerCaller } from './handler-calls.ts'
import { type Scenario, type ServiceEnv, type TimelineEvent } from '../src/core/types.ts'
import { INVITATION_EXPIRY_SECONDS, createRam } from '../src/services/ram/index.ts'

const REGION = 'eu-west-1'
const OWNER = '111111111111'
const SIBLING = '222222222222' // same organization as OWNER
const EXTERNAL = '333333333333' // another organization
const LONER = '444444444444' // no organization
const CLUSTER = `arn:aws:rds:${REGION}:${OWNER}:cluster:prod`
const CLUSTER2 = `arn:aws:rds:${REGION}:${OWNER}:cluster:prod2`
const FOREIGN = `arn:aws:rds:${REGION}:${EXTERNAL}:cluster:theirs`
const ACTIVATE_S = 60
const T0 = Date.parse('2026-11-01T00:00:00Z')

function harness(activateSeconds = ACTIVATE_S) {
  let now = T0
  const events: TimelineEvent[] = []
  const env: ServiceEnv = {
    region: REGION,
    clock: { now: () => now, scale: 1, toRealMs: (s) => s * 1000 },
    timeline: { record: (e) => events.push(e), events },
    accounts: new Map([
      [OWNER, { id: OWNER, name: 'prod', organizationId: 'o-aaaa' }],
      [SIBLING, { id: SIBLING, name: 'staging', organizationId: 'o-aaaa' }],
      [EXTERNAL, { id: EXTERNAL, name: 'partner', organizationId: 'o-bbbb' }],
      [LONER, { id: LONER, name: 'loner' }],
    ]),
    scenario: { durations: { shareActivate: activateSeconds } } as unknown as Scenario,
  }
  const clusters = new Map([
    [CLUSTER, { ownerAccount: OWNER, type: 'rds:Cluster' }],
    [CLUSTER2, { ownerAccount: OWNER, type: 'rds:Cluster' }],
    [FOREIGN, { ownerAccount: EXTERNAL, type: 'rds:Cluster' }],
  ])
  const ram = createRam(env, { lookup: (arn) => clusters.get(arn) })
  const call = handlerCaller({ service: 'ram', handlers: ram.handlers, region: REGION })
  const share = async (input: Record<string, unknown>) => {
    const out = await call(OWNER, 'CreateResourceShare', input)
    return out.resourceShare as Record<string, unknown> & { resourceShareArn: string }
  }
  const invitations = async (account: string, input: Record<string, unknown> = {}) =>
    (await call(account, 'GetResourceShareInvitations', input)).resourceShareInvitations as {
      resourceShareInvitationArn: string
      status: string
      resourceShareArn: string
    }[]
  const associations = async (shareArn: string, associationType: string) =>
    (
      (
        await call(OWNER, 'GetResourceShareAssociations', {
          associationType,
          resourceShareArns: [shareArn],
        })
      ).resourceShareAssociations as { associatedEntity: string; status: string }[]
    ).map((a) => `${a.associatedEntity}:${a.status}`)
  return {
    ram,
    call,
    fails,
    share,
    invitations,
    associations,
    events,
    advance: (seconds: number) => (now += seconds * 1000),
  }
}

describe('RAM CreateResourceShare', () => {
  it('creates a PENDING share that turns ACTIVE after shareActivate, on the timeline', async () => {
    const h = harness()
    const created = await h.share({
      name: 'prod-clone',
      resourceArns: [CLUSTER],
      principals: [SIBLING],
    })
    expect(created).toMatchObject({
      name: 'prod-clone',
      owningAccountId: OWNER,
      allowExternalPrincipals: true,
      status: 'PENDING',
      featureSet: 'STANDARD',
      tags: [],
    })
    expect(created.resourceShareArn).toMatch(
      new RegExp(`^arn:aws:ram:${REGION}:${OWNER}:resource-share/[0-9a-f-]{36}$`),
    )
    expect(created.creationTime).toEqual(new Date(T0))
    h.advance(ACTIVATE_S - 1)
    const pending = await h.call(OWNER, 'GetResourceShares', { resourceOwner: 'SELF' })
    expect((pending.resourceShares as { status: string }[])[0]!.status).toBe('PENDING')
    expect(h.ram.view.isSharedWith(CLUSTER, SIBLING)).toBe(false)
    h.advance(3600) // observed long after the scheduled time
    expect(h.ram.view.isSharedWith(CLUSTER, SIBLING)).toBe(true)
    expect(h.events).toEqual([
      {
        time: T0,
        account: OWNER,
        service: 'ram',
        resourceType: 'resource-share',
        identifier: created.resourceShareArn,
        status: 'PENDING',
      },
      {
        time: T0 + ACTIVATE_S * 1000,
        account: OWNER,
        service: 'ram',
        resourceType: 'resource-share',
        identifier: created.resourceShareArn,
        status: 'ACTIVE',
      },
    ])
    const active = await h.call(OWNER, 'GetResourceShares', { resourceOwner: 'SELF' })
    expect(active.resourceShares).toEqual([
      expect.objectContaining({
        status: 'ACTIVE',
        lastUpdatedTime: new Date(T0 + ACTIVATE_S * 1000),
      }),
    ])
  })

  it('with a zero shareActivate the share is ACTIVE in the CreateResourceShare answer', async () => {
    const h = harness(0)
    const created = await h.share({ name: 'x', resourceArns: [CLUSTER], principals: [SIBLING] })
    expect(created.status).toBe('ACTIVE')
    expect(h.ram.view.isSharedWith(CLUSTER, SIBLING)).toBe(true)
    expect(h.events.map((e) => [e.status, e.time])).toEqual([
      ['PENDING', T0],
      ['ACTIVE', T0],
    ])
  })

  it('is idempotent by clientToken and refuses a reused token with other parameters', async () => {
    const h = harness()
    const input = {
      name: 'n',
      resourceArns: [CLUSTER],
      principals: [SIBLING],
      clientToken: 'tok-1',
    }
    const first = await h.call(OWNER, 'CreateResourceShare', input)
    const again = await h.call(OWNER, 'CreateResourceShare', input)
    expect(first.clientToken).toBe('tok-1')
    expect(again.clientToken).toBe('tok-1')
    expect((again.resourceShare as { resourceShareArn: string }).resourceShareArn).toBe(
      (first.resourceShare as { resourceShareArn: string }).resourceShareArn,
    )
    const all = await h.call(OWNER, 'GetResourceShares', { resourceOwner: 'SELF' })
    expect(all.resourceShares).toHaveLength(1)
    await h.fails(
      h.call(OWNER, 'CreateResourceShare', { ...input, principals: [EXTERNAL] }),
      'IdempotentParameterMismatchException',
      'The client token tok-1 was already used with different parameters.',
    )
    const untokened = await h.call(OWNER, 'CreateResourceShare', { name: 'n' })
    expect(typeof untokened.clientToken).toBe('string')
  })

  it('refuses unknown, foreign and malformed resources, and bad principals', async () => {
    const h = harness()
    const unknown = `arn:aws:rds:${REGION}:${OWNER}:cluster:nope`
    await h.fails(
      h.share({ name: 'x', resourceArns: [unknown] }),
      'UnknownResourceException',
      `The resource ${unknown} could not be found.`,
    )
    await h.fails(h.share({ name: 'x', resourceArns: [FOREIGN] }), 'UnknownResourceException')
    await h.fails(
      h.share({ name: 'x', resourceArns: ['cluster:prod'] }),
      'MalformedArnException',
      'The specified resource ARN cluster:prod is not valid. Verify the ARN and try again.',
    )
    await h.fails(
      h.share({ name: 'x', principals: ['o-abc'] }),
      'InvalidParameterException',
      'Principal ID o-abc is malformed. Verify the ID and try again.',
    )
    await h.fails(h.share({ name: 'x', principals: [OWNER] }), 'InvalidParameterException')
    expect(
      (await h.call(OWNER, 'GetResourceShares', { resourceOwner: 'SELF' })).resourceShares,
    ).toEqual([])
  })

  it('with allowExternalPrincipals false accepts only principals of the organization', async () => {
    const h = harness()
    for (const outsider of [EXTERNAL, LONER]) {
      await h.fails(
        h.share({ name: 'x', allowExternalPrincipals: false, principals: [outsider] }),
        'OperationNotPermittedException',
      )
    }
    const inside = await h.share({
      name: 'x',
      allowExternalPrincipals: false,
      principals: [SIBLING],
    })
    expect(inside.allowExternalPrincipals).toBe(false)
    await h.fails(
      h.call(OWNER, 'AssociateResourceShare', {
        resourceShareArn: inside.resourceShareArn,
        principals: [EXTERNAL],
      }),
      'OperationNotPermittedException',
    )
  })
})

describe('RAM invitations', () => {
  it('invites only accounts outside the owner organization', async () => {
    const h = harness()
    const s = await h.share({
      name: 'x',
      resourceArns: [CLUSTER],
      principals: [SIBLING, EXTERNAL, LONER],
    })
    expect(await h.invitations(SIBLING)).toEqual([])
    const [invitation] = await h.invitations(EXTERNAL)
    expect(invitation).toEqual({
      resourceShareInvitationArn: expect.stringMatching(
        new RegExp(`^arn:aws:ram:${REGION}:${OWNER}:resource-share-invitation/[0-9a-f-]{36}$`),
      ),
      resourceShareName: 'x',
      resourceShareArn: s.resourceShareArn,
      senderAccountId: OWNER,
      receiverAccountId: EXTERNAL,
      invitationTimestamp: new Date(T0),
      status: 'PENDING',
    })
    expect(await h.invitations(LONER)).toHaveLength(1)
    expect(await h.invitations(OWNER)).toEqual([])
    h.advance(ACTIVATE_S)
    expect(await h.associations(s.resourceShareArn, 'PRINCIPAL')).toEqual([
      `${SIBLING}:ASSOCIATED`,
      `${EXTERNAL}:ASSOCIATING`,
      `${LONER}:ASSOCIATING`,
    ])
    expect(await h.associations(s.resourceShareArn, 'RESOURCE')).toEqual([`${CLUSTER}:ASSOCIATED`])
    expect(h.ram.view.isSharedWith(CLUSTER, SIBLING)).toBe(true)
    expect(h.ram.view.isSharedWith(CLUSTER, EXTERNAL)).toBe(false)
    expect(h.ram.view.isSharedWith(CLUSTER2, SIBLING)).toBe(false)
  })

  it('accepting shares the resource; a second accept is refused', async () => {
    const h = harness()
    const s = await h.share({ name: 'x', resourceArns: [CLUSTER], principals: [EXTERNAL] })
    const [invitation] = await h.invitations(EXTERNAL, { resourceShareArns: [s.resourceShareArn] })
    const arn = invitation!.resourceShareInvitationArn
    // Accepted before the share is ACTIVE: sharing starts when it is.
    const accepted = await h.call(EXTERNAL, 'AcceptResourceShareInvitation', {
      resourceShareInvitationArn: arn,
    })
    expect(accepted.resourceShareInvitation).toMatchObject({
      status: 'ACCEPTED',
      resourceShareInvitationArn: arn,
    })
    expect(h.ram.view.isSharedWith(CLUSTER, EXTERNAL)).toBe(false)
    h.advance(ACTIVATE_S)
    expect(h.ram.view.isSharedWith(CLUSTER, EXTERNAL)).toBe(true)
    expect(await h.associations(s.resourceShareArn, 'PRINCIPAL')).toEqual([
      `${EXTERNAL}:ASSOCIATED`,
    ])
    await h.fails(
      h.call(EXTERNAL, 'AcceptResourceShareInvitation', { resourceShareInvitationArn: arn }),
      'ResourceShareInvitationAlreadyAcceptedException',
      `ResourceShareInvitation ${arn} has already been accepted.`,
    )
    expect(await h.invitations(EXTERNAL, { resourceShareInvitationArns: [arn] })).toEqual([
      expect.objectContaining({ status: 'ACCEPTED' }),
    ])
    const received = await h.call(EXTERNAL, 'GetResourceShares', {
      resourceOwner: 'OTHER-ACCOUNTS',
    })
    expect(received.resourceShares).toEqual([
      expect.objectContaining({ resourceShareArn: s.resourceShareArn, owningAccountId: OWNER }),
    ])
    expect(h.events.map((e) => `${e.resourceType}:${e.status}`)).toEqual([
      'resource-share:PENDING',
      'resource-share-invitation:ACCEPTED',
      'resource-share:ACTIVE',
    ])
  })

  it('refuses unknown, malformed and other accounts’ invitations', async () => {
    const h = harness()
    await h.share({ name: 'x', resourceArns: [CLUSTER], principals: [EXTERNAL] })
    const [invitation] = await h.invitations(EXTERNAL)
    const arn = invitation!.resourceShareInvitationArn
    await h.fails(
      h.call(LONER, 'AcceptResourceShareInvitation', { resourceShareInvitationArn: arn }),
      'ResourceShareInvitationArnNotFoundException',
      `ResourceShareInvitation ${arn} could not be found.`,
    )
    const unknown = `arn:aws:ram:${REGION}:${OWNER}:resource-share-invitation/00000000-0000-0000-0000-000000000000`
    await h.fails(
      h.call(EXTERNAL, 'AcceptResourceShareInvitation', { resourceShareInvitationArn: unknown }),
      'ResourceShareInvitationArnNotFoundException',
    )
    await h.fails(
      h.call(EXTERNAL, 'GetResourceShareInvitations', { resourceShareInvitationArns: [unknown] }),
      'ResourceShareInvitationArnNotFoundException',
    )
    await h.fails(
      h.call(EXTERNAL, 'AcceptResourceShareInvitation', {
        resourceShareInvitationArn: 'not-an-arn',
      }),
      'MalformedArnException',
    )
  })

  it(`expires a pending invitation after ${INVITATION_EXPIRY_SECONDS} s`, async () => {
    const h = harness()
    expect(INVITATION_EXPIRY_SECONDS).toBe(7 * 24 * 3600)
    const s = await h.share({ name: 'x', resourceArns: [CLUSTER], principals: [EXTERNAL] })
    const [invitation] = await h.invitations(EXTERNAL)
    const arn = invitation!.resourceShareInvitationArn
    h.advance(INVITATION_EXPIRY_SECONDS - 1)
    expect((await h.invitations(EXTERNAL))[0]!.status).toBe('PENDING')
    h.advance(1)
    expect((await h.invitations(EXTERNAL))[0]!.status).toBe('EXPIRED')
    expect(h.events.at(-1)).toEqual({
      time: T0 + INVITATION_EXPIRY_SECONDS * 1000,
      account: EXTERNAL,
      service: 'ram',
      resourceType: 'resource-share-invitation',
      identifier: arn,
      status: 'EXPIRED',
    })
    await h.fails(
      h.call(EXTERNAL, 'AcceptResourceShareInvitation', { resourceShareInvitationArn: arn }),
      'ResourceShareInvitationExpiredException',
      `ResourceShareInvitation ${arn} has expired.`,
    )
    expect(h.ram.view.isSharedWith(CLUSTER, EXTERNAL)).toBe(false)
    expect(await h.associations(s.resourceShareArn, 'PRINCIPAL')).toEqual([`${EXTERNAL}:FAILED`])
    // Associating the principal again sends a new invitation.
    await h.call(OWNER, 'AssociateResourceShare', {
      resourceShareArn: s.resourceShareArn,
      principals: [EXTERNAL],
    })
    const fresh = (await h.invitations(EXTERNAL)).filter((i) => i.status === 'PENDING')
    expect(fresh).toHaveLength(1)
    await h.call(EXTERNAL, 'AcceptResourceShareInvitation', {
      resourceShareInvitationArn: fresh[0]!.resourceShareInvitationArn,
    })
    h.advance(ACTIVATE_S)
    expect(h.ram.view.isSharedWith(CLUSTER, EXTERNAL)).toBe(true)
  })

  it('pages invitations with maxResults and nextToken', async () => {
    const h = harness()
    for (const name of ['a', 'b', 'c'])
      await h.share({ name, resourceArns: [CLUSTER], principals: [EXTERNAL] })
    const first = await h.call(EXTERNAL, 'GetResourceShareInvitations', { maxResults: 2 })
    expect(first.resourceShareInvitations).toHaveLength(2)
    expect(typeof first.nextToken).toBe('string')
    const second = await h.call(EXTERNAL, 'GetResourceShareInvitations', {
      maxResults: 2,
      nextToken: first.nextToken,
    })
    expect(second.nextToken).toBeUndefined()
    const names = [first, second].flatMap((p) =>
      (p.resourceShareInvitations as { resourceShareName: string }[]).map(
        (i) => i.resourceShareName,
      ),
    )
    expect(names).toEqual(['a', 'b', 'c'])
    await h.fails(
      h.call(EXTERNAL, 'GetResourceShareInvitations', { nextToken: 'bogus' }),
      'InvalidNextTokenException',
    )
  })
})

describe('RAM share lifecycle', () => {
  it('DeleteResourceShare stops sharing at once and ends DELETED', async () => {
    const h = harness()
    const s = await h.share({ name: 'x', resourceArns: [CLUSTER], principals: [SIBLING] })
    h.advance(ACTIVATE_S)
    expect(h.ram.view.isSharedWith(CLUSTER, SIBLING)).toBe(true)
    const deleted = await h.call(OWNER, 'DeleteResourceShare', {
      resourceShareArn: s.resourceShareArn,
    })
    expect(deleted.returnValue).toBe(true)
    expect(h.ram.view.isSharedWith(CLUSTER, SIBLING)).toBe(false)
    const deleting = await h.call(OWNER, 'GetResourceShares', {
      resourceOwner: 'SELF',
      resourceShareStatus: 'DELETING',
    })
    expect(deleting.resourceShares).toHaveLength(1)
    expect(await h.associations(s.resourceShareArn, 'RESOURCE')).toEqual([
      `${CLUSTER}:DISASSOCIATING`,
    ])
    h.advance(ACTIVATE_S)
    expect(await h.associations(s.resourceShareArn, 'RESOURCE')).toEqual([
      `${CLUSTER}:DISASSOCIATED`,
    ])
    expect(h.ram.inventory(OWNER)['resource-shares']).toEqual([
      expect.objectContaining({ resourceShareArn: s.resourceShareArn, status: 'DELETED' }),
    ])
    expect(h.events.map((e) => e.status)).toEqual(['PENDING', 'ACTIVE', 'DELETING', 'DELETED'])
    expect(h.events[3]!.time).toBe(T0 + 2 * ACTIVATE_S * 1000)
    await h.fails(
      h.call(OWNER, 'DeleteResourceShare', { resourceShareArn: s.resourceShareArn }),
      'InvalidStateTransitionException',
    )
    await h.fails(
      h.call(SIBLING, 'DeleteResourceShare', { resourceShareArn: s.resourceShareArn }),
      'UnknownResourceException',
      `ResourceShare ${s.resourceShareArn} could not be found.`,
    )
    await h.fails(
      h.call(OWNER, 'DeleteResourceShare', { resourceShareArn: 'arn:nope' }),
      'MalformedArnException',
    )
  })

  it('deleting a PENDING share cancels its activation', async () => {
    const h = harness()
    const s = await h.share({ name: 'x', resourceArns: [CLUSTER], principals: [SIBLING] })
    await h.call(OWNER, 'DeleteResourceShare', { resourceShareArn: s.resourceShareArn })
    h.advance(10 * ACTIVATE_S)
    // Status changes are applied (and recorded) lazily, when RAM state is next looked at.
    expect(h.events.map((e) => e.status)).toEqual(['PENDING', 'DELETING'])
    expect(h.ram.view.isSharedWith(CLUSTER, SIBLING)).toBe(false)
    expect(h.events.map((e) => e.status)).toEqual(['PENDING', 'DELETING', 'DELETED'])
  })

  it('AssociateResourceShare and DisassociateResourceShare change what is shared', async () => {
    const h = harness()
    const s = await h.share({ name: 'x', resourceArns: [CLUSTER] })
    const added = await h.call(OWNER, 'AssociateResourceShare', {
      resourceShareArn: s.resourceShareArn,
      resourceArns: [CLUSTER2],
      principals: [SIBLING],
    })
    expect(added.resourceShareAssociations).toEqual([
      expect.objectContaining({
        associatedEntity: CLUSTER2,
        associationType: 'RESOURCE',
        status: 'ASSOCIATING',
        external: false,
      }),
      expect.objectContaining({
        associatedEntity: SIBLING,
        associationType: 'PRINCIPAL',
        status: 'ASSOCIATING',
        external: false,
      }),
    ])
    h.advance(ACTIVATE_S)
    expect(h.ram.view.isSharedWith(CLUSTER2, SIBLING)).toBe(true)
    const removed = await h.call(OWNER, 'DisassociateResourceShare', {
      resourceShareArn: s.resourceShareArn,
      resourceArns: [CLUSTER2],
    })
    expect(removed.resourceShareAssociations).toEqual([
      expect.objectContaining({ associatedEntity: CLUSTER2, status: 'DISASSOCIATING' }),
    ])
    expect(h.ram.view.isSharedWith(CLUSTER2, SIBLING)).toBe(false)
    expect(h.ram.view.isSharedWith(CLUSTER, SIBLING)).toBe(true)
    await h.fails(
      h.call(OWNER, 'DisassociateResourceShare', {
        resourceShareArn: s.resourceShareArn,
        principals: [LONER],
      }),
      'UnknownResourceException',
    )
    await h.fails(
      h.call(OWNER, 'AssociateResourceShare', {
        resourceShareArn: s.resourceShareArn,
        resourceArns: [FOREIGN],
      }),
      'UnknownResourceException',
    )
  })
})

describe('RAM queries', () => {
  it('GetResourceShares filters by name, status, tags and ARN, and pages', async () => {
    const h = harness()
    const a = await h.share({ name: 'a', tags: [{ key: 'team', value: 'db' }] })
    await h.share({ name: 'b', tags: [{ key: 'team', value: 'web' }] })
    await h.share({ name: 'c' })
    const names = async (input: Record<string, unknown>) =>
      (
        (await h.call(OWNER, 'GetResourceShares', { resourceOwner: 'SELF', ...input }))
          .resourceShares as {
          name: string
        }[]
      ).map((s) => s.name)
    expect(await names({ name: 'b' })).toEqual(['b'])
    expect(await names({ tagFilters: [{ tagKey: 'team' }] })).toEqual(['a', 'b'])
    expect(await names({ tagFilters: [{ tagKey: 'team', tagValues: ['web'] }] })).toEqual(['b'])
    expect(await names({ resourceShareArns: [a.resourceShareArn] })).toEqual(['a'])
    expect(await names({ resourceShareStatus: 'ACTIVE' })).toEqual([])
    const page1 = await h.call(OWNER, 'GetResourceShares', { resourceOwner: 'SELF', maxResults: 2 })
    const page2 = await h.call(OWNER, 'GetResourceShares', {
      resourceOwner: 'SELF',
      maxResults: 2,
      nextToken: page1.nextToken,
    })
    expect(page1.resourceShares).toHaveLength(2)
    expect(page2.resourceShares).toHaveLength(1)
    expect(page2.nextToken).toBeUndefined()
    expect(
      (await h.call(SIBLING, 'GetResourceShares', { resourceOwner: 'SELF' })).resourceShares,
    ).toEqual([])
  })

  it('ListResources and ListPrincipals show each side of a share', async () => {
    const h = harness()
    const s = await h.share({ name: 'x', resourceArns: [CLUSTER], principals: [SIBLING, EXTERNAL] })
    h.advance(ACTIVATE_S)
    const own = await h.call(OWNER, 'ListResources', {
      resourceOwner: 'SELF',
      resourceType: 'rds:Cluster',
    })
    expect(own.resources).toEqual([
      {
        arn: CLUSTER,
        type: 'rds:Cluster',
        resourceShareArn: s.resourceShareArn,
        status: 'AVAILABLE',
        creationTime: new Date(T0),
        lastUpdatedTime: new Date(T0 + ACTIVATE_S * 1000),
        resourceRegionScope: 'REGIONAL',
      },
    ])
    expect(
      (await h.call(OWNER, 'ListResources', { resourceOwner: 'SELF', principal: LONER })).resources,
    ).toEqual([])
    expect(
      (await h.call(SIBLING, 'ListResources', { resourceOwner: 'OTHER-ACCOUNTS' })).resources,
    ).toEqual([expect.objectContaining({ arn: CLUSTER })])
    expect(
      (await h.call(EXTERNAL, 'ListResources', { resourceOwner: 'OTHER-ACCOUNTS' })).resources,
    ).toEqual([])
    await h.fails(
      h.call(OWNER, 'ListResources', { resourceOwner: 'SELF', resourceType: 'cluster' }),
      'InvalidResourceTypeException',
    )
    const principals = await h.call(OWNER, 'ListPrincipals', {
      resourceOwner: 'SELF',
      resourceArn: CLUSTER,
    })
    expect(
      (principals.principals as { id: string; external: boolean }[]).map((p) => [p.id, p.external]),
    ).toEqual([
      [SIBLING, false],
      [EXTERNAL, true],
    ])
    const received = await h.call(SIBLING, 'ListPrincipals', { resourceOwner: 'OTHER-ACCOUNTS' })
    expect(received.principals).toEqual([
      expect.objectContaining({ id: SIBLING, resourceShareArn: s.resourceShareArn }),
    ])
  })

  it('GetResourceShareAssociations filters and refuses mismatched filters', async () => {
    const h = harness()
    const s = await h.share({ name: 'x', resourceArns: [CLUSTER, CLUSTER2], principals: [SIBLING] })
    const get = (input: Record<string, unknown>) =>
      h.call(OWNER, 'GetResourceShareAssociations', input)
    const byResource = await get({ associationType: 'RESOURCE', resourceArn: CLUSTER2 })
    expect(byResource.resourceShareAssociations).toEqual([
      expect.objectContaining({
        associatedEntity: CLUSTER2,
        resourceShareArn: s.resourceShareArn,
        resourceShareName: 'x',
        status: 'ASSOCIATING',
      }),
    ])
    expect(
      (
        await get({
          associationType: 'PRINCIPAL',
          principal: SIBLING,
          associationStatus: 'ASSOCIATED',
        })
      ).resourceShareAssociations,
    ).toEqual([])
    await h.fails(
      get({ associationType: 'PRINCIPAL', resourceArn: CLUSTER }),
      'InvalidParameterException',
    )
    await h.fails(
      get({ associationType: 'RESOURCE', principal: SIBLING }),
      'InvalidParameterException',
    )
    const paged = await get({ associationType: 'RESOURCE', maxResults: 1 })
    expect(paged.resourceShareAssociations).toHaveLength(1)
    expect(typeof paged.nextToken).toBe('string')
  })

  it('TagResource merges tags on the caller’s share', async () => {
    const h = harness()
    const s = await h.share({ name: 'x', tags: [{ key: 'a', value: '1' }] })
    await h.call(OWNER, 'TagResource', {
      resourceShareArn: s.resourceShareArn,
      tags: [
        { key: 'a', value: '2' },
        { key: 'b', value: '3' },
      ],
    })
    const [got] = (await h.call(OWNER, 'GetResourceShares', { resourceOwner: 'SELF' }))
      .resourceShares as {
      tags: unknown
    }[]
    expect(got!.tags).toEqual([
      { key: 'a', value: '2' },
      { key: 'b', value: '3' },
    ])
    await h.fails(
      h.call(SIBLING, 'TagResource', { resourceShareArn: s.resourceShareArn, tags: [] }),
      'UnknownResourceException',
    )
    await h.fails(h.call(OWNER, 'TagResource', { tags: [] }), 'InvalidParameterException')
    const many = Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' }))
    await h.fails(
      h.call(OWNER, 'TagResource', { resourceShareArn: s.resourceShareArn, tags: many }),
      'TagLimitExceededException',
    )
  })

  it('inventory lists the account’s shares with associations and both sides’ invitations', async () => {
    const h = harness()
    const s = await h.share({ name: 'x', resourceArns: [CLUSTER], principals: [EXTERNAL] })
    const owner = h.ram.inventory(OWNER)
    expect(owner['resource-shares']).toEqual([
      expect.objectContaining({
        resourceShareArn: s.resourceShareArn,
        associations: [
          expect.objectContaining({ associatedEntity: CLUSTER }),
          expect.objectContaining({ associatedEntity: EXTERNAL }),
        ],
      }),
    ])
    expect(owner['resource-share-invitations']).toHaveLength(1)
    expect(h.ram.inventory(EXTERNAL)['resource-share-invitations']).toHaveLength(1)
    expect(h.ram.inventory(EXTERNAL)['resource-shares']).toEqual([])
  })
})
