import { describe, expect, it } from '@jest/globals'
import {
  AcceptResourceShareInvitationCommand,
  CreateResourceShareCommand,
  GetResourceShareAssociationsCommand,
  GetResourceShareInvitationsCommand,
  GetResourceSharesCommand,
} from '@aws-sdk/client-ram'
import { ActionError } from '../src/errors.js'
import {
  acceptShareStep,
  shareClientToken,
  shareName,
  shareSourceStep,
} from '../src/methods/clone/ram-share.js'
import {
  awsError,
  runtime,
  SOURCE_ARN,
  STAGING_ACCOUNT,
  world,
  type World,
} from './clone-context.js'

const SHARE_ARN = 'arn:aws:ram:us-east-1:111111111111:resource-share/abc'
const INVITATION_ARN = 'arn:aws:ram:us-east-1:111111111111:resource-share-invitation/inv'
const NAME = shareName('prod-aurora', STAGING_ACCOUNT)

function existingShare(w: World, principal: { status: string; external: boolean }): void {
  w.source.ram.on(GetResourceShareAssociationsCommand, { associationType: 'RESOURCE' }).resolves({
    resourceShareAssociations: [
      {
        resourceShareArn: SHARE_ARN,
        associatedEntity: SOURCE_ARN,
        associationType: 'RESOURCE',
        status: 'ASSOCIATED',
      },
    ],
  })
  w.source.ram.on(GetResourceShareAssociationsCommand, { associationType: 'PRINCIPAL' }).resolves({
    resourceShareAssociations: [
      {
        resourceShareArn: SHARE_ARN,
        associatedEntity: STAGING_ACCOUNT,
        associationType: 'PRINCIPAL',
        status: principal.status as 'ASSOCIATED',
        external: principal.external,
        statusMessage:
          principal.status === 'FAILED'
            ? 'The invitation to the resource share expired.'
            : undefined,
      },
    ],
  })
  w.source.ram
    .on(GetResourceSharesCommand)
    .resolves({ resourceShares: [{ resourceShareArn: SHARE_ARN, name: NAME, status: 'ACTIVE' }] })
}

async function failure(promise: Promise<unknown>): Promise<ActionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ActionError)
  return error as ActionError
}

describe('share-source', () => {
  it('is left out in one account', () => {
    expect(shareSourceStep.when?.(world({ sameAccount: true }).ctx)).toBe(false)
    expect(acceptShareStep.when?.(world({ sameAccount: true }).ctx)).toBe(false)
    expect(shareSourceStep.when?.(world().ctx)).toBe(true)
  })

  it('creates one share for the source and the destination account, idempotently, and waits until ACTIVE', async () => {
    const w = world()
    w.source.ram
      .on(GetResourceShareAssociationsCommand, { associationType: 'RESOURCE' })
      .resolves({ resourceShareAssociations: [] })
    w.source.ram
      .on(CreateResourceShareCommand)
      .resolves({ resourceShare: { resourceShareArn: SHARE_ARN, status: 'PENDING' } })
    w.source.ram
      .on(GetResourceSharesCommand)
      .resolvesOnce({ resourceShares: [{ resourceShareArn: SHARE_ARN, status: 'PENDING' }] })
      .resolves({ resourceShares: [{ resourceShareArn: SHARE_ARN, status: 'ACTIVE' }] })
    w.source.ram
      .on(GetResourceShareAssociationsCommand, { associationType: 'PRINCIPAL' })
      .resolves({
        resourceShareAssociations: [
          {
            resourceShareArn: SHARE_ARN,
            associatedEntity: STAGING_ACCOUNT,
            status: 'ASSOCIATING',
            external: true,
          },
        ],
      })
    const rt = runtime('share-source')
    await shareSourceStep.run(w.ctx, rt)

    const create = w.source.ram.commandCalls(CreateResourceShareCommand)
    expect(create).toHaveLength(1)
    expect(create[0]?.args[0].input).toEqual({
      name: 'rds-refresh-prod-aurora-to-222222222222',
      resourceArns: [SOURCE_ARN],
      principals: [STAGING_ACCOUNT],
      allowExternalPrincipals: false,
      clientToken: shareClientToken(w.ctx),
      tags: [
        { key: 'rds-refresh:managed', value: 'true' },
        { key: 'rds-refresh:source', value: SOURCE_ARN },
        { key: 'rds-refresh:principal', value: STAGING_ACCOUNT },
      ],
    })
    expect(shareClientToken(w.ctx)).toMatch(/^rds-refresh-[0-9a-f]{40}$/)
    expect(rt.recorded).toEqual([
      {
        kind: 'resource-share',
        side: 'source',
        id: SHARE_ARN,
        disposal: 'kept',
        sharedWith: STAGING_ACCOUNT,
      },
    ])
    expect(rt.infos.some((m) => m.includes('It is kept after the run'))).toBe(true)
    expect(rt.infos.some((m) => m.includes(`resource share ${SHARE_ARN}: ACTIVE`))).toBe(true)
    expect(w.ctx.values.resourceShare.get()).toEqual({ arn: SHARE_ARN, external: true })
  })

  it('reuses the share that already holds the source and the destination account', async () => {
    const w = world()
    existingShare(w, { status: 'ASSOCIATED', external: false })
    const rt = runtime('share-source')
    await shareSourceStep.run(w.ctx, rt)
    expect(w.source.ram.commandCalls(CreateResourceShareCommand)).toHaveLength(0)
    expect(rt.recorded).toEqual([])
    expect(rt.notes).toEqual(['reused'])
    const byPrincipal = w.source.ram.commandCalls(GetResourceShareAssociationsCommand, {
      associationType: 'PRINCIPAL',
    })
    expect(byPrincipal[0]?.args[0].input).toEqual({
      associationType: 'PRINCIPAL',
      principal: STAGING_ACCOUNT,
      resourceShareArns: [SHARE_ARN],
    })
    expect(w.ctx.values.resourceShare.get()).toEqual({ arn: SHARE_ARN, external: false })
  })

  it('stops with the fix when the share exists but its invitation expired', async () => {
    const w = world()
    existingShare(w, { status: 'FAILED', external: true })
    const error = await failure(shareSourceStep.run(w.ctx, runtime('share-source')))
    expect(error.summary).toBe(
      `The invitation to resource share ${SHARE_ARN} was not accepted in time and has expired in the destination account 222222222222, so the source cluster is not shared with it (RAM: The invitation to the resource share expired.)`,
    )
    expect(error.hint).toContain(
      `aws ram delete-resource-share --resource-share-arn ${SHARE_ARN} --region us-east-1`,
    )
  })

  it('explains RAM refusing the principal (sharing with AWS Organizations not enabled)', async () => {
    const w = world()
    w.source.ram.on(GetResourceShareAssociationsCommand).resolves({ resourceShareAssociations: [] })
    w.source.ram
      .on(CreateResourceShareCommand)
      .rejects(awsError('OperationNotPermittedException', 'not allowed'))
    const error = await failure(shareSourceStep.run(w.ctx, runtime('share-source')))
    expect(error.summary).toBe(
      'Could not share source prod-aurora with account 222222222222 through AWS RAM',
    )
    expect(error.code).toBe('OperationNotPermittedException')
    expect(error.hint).toContain('enable sharing with AWS Organizations')
  })
})

describe('accept-share', () => {
  function ready(w: World, external: boolean): void {
    w.ctx.values.resourceShare.set({ arn: SHARE_ARN, external })
    w.destination.ram
      .on(GetResourceSharesCommand)
      .resolves({ resourceShares: [{ resourceShareArn: SHARE_ARN, status: 'ACTIVE' }] })
  }

  it('accepts a pending invitation, then waits until the share reaches the destination', async () => {
    const w = world()
    ready(w, true)
    w.destination.ram.on(GetResourceShareInvitationsCommand).resolves({
      resourceShareInvitations: [
        {
          resourceShareInvitationArn: INVITATION_ARN,
          resourceShareArn: SHARE_ARN,
          status: 'PENDING',
        },
      ],
    })
    w.destination.ram.on(AcceptResourceShareInvitationCommand).resolves({})
    const rt = runtime('accept-share')
    await acceptShareStep.run(w.ctx, rt)
    expect(
      w.destination.ram.commandCalls(AcceptResourceShareInvitationCommand)[0]?.args[0].input,
    ).toEqual({
      resourceShareInvitationArn: INVITATION_ARN,
    })
    expect(w.destination.ram.commandCalls(GetResourceSharesCommand)[0]?.args[0].input).toEqual({
      resourceOwner: 'OTHER-ACCOUNTS',
      resourceShareArns: [SHARE_ARN],
    })
    expect(rt.notes).toEqual(['invitation accepted'])
  })

  it('waits for the invitation of an external share to appear', async () => {
    const w = world()
    ready(w, true)
    w.destination.ram
      .on(GetResourceShareInvitationsCommand)
      .resolvesOnce({ resourceShareInvitations: [] })
      .resolves({
        resourceShareInvitations: [
          { resourceShareInvitationArn: INVITATION_ARN, status: 'PENDING' },
        ],
      })
    w.destination.ram.on(AcceptResourceShareInvitationCommand).resolves({})
    await acceptShareStep.run(w.ctx, runtime('accept-share'))
    expect(
      w.destination.ram.commandCalls(GetResourceShareInvitationsCommand).length,
    ).toBeGreaterThanOrEqual(2)
    expect(w.destination.ram.commandCalls(AcceptResourceShareInvitationCommand)).toHaveLength(1)
  })

  it('needs no invitation inside one organization', async () => {
    const w = world()
    ready(w, false)
    w.destination.ram
      .on(GetResourceShareInvitationsCommand)
      .resolves({ resourceShareInvitations: [] })
    const rt = runtime('accept-share')
    await acceptShareStep.run(w.ctx, rt)
    expect(w.destination.ram.commandCalls(AcceptResourceShareInvitationCommand)).toHaveLength(0)
    expect(rt.notes).toEqual(['no invitation (same organization)'])
  })

  it('treats an invitation accepted by an earlier run as done', async () => {
    const w = world()
    ready(w, true)
    w.destination.ram.on(GetResourceShareInvitationsCommand).resolves({
      resourceShareInvitations: [
        {
          resourceShareInvitationArn: `${INVITATION_ARN}-old`,
          status: 'EXPIRED',
          invitationTimestamp: new Date(1),
        },
        {
          resourceShareInvitationArn: INVITATION_ARN,
          status: 'ACCEPTED',
          invitationTimestamp: new Date(2),
        },
      ],
    })
    const rt = runtime('accept-share')
    await acceptShareStep.run(w.ctx, rt)
    expect(w.destination.ram.commandCalls(AcceptResourceShareInvitationCommand)).toHaveLength(0)
    expect(rt.notes).toEqual(['invitation already accepted'])
  })

  it('is fine when AWS answers that the invitation is already accepted', async () => {
    const w = world()
    ready(w, true)
    w.destination.ram.on(GetResourceShareInvitationsCommand).resolves({
      resourceShareInvitations: [{ resourceShareInvitationArn: INVITATION_ARN, status: 'PENDING' }],
    })
    w.destination.ram
      .on(AcceptResourceShareInvitationCommand)
      .rejects(awsError('ResourceShareInvitationAlreadyAcceptedException', 'already accepted'))
    await expect(acceptShareStep.run(w.ctx, runtime('accept-share'))).resolves.toBeUndefined()
  })

  it.each([
    ['REJECTED', 'rejected', 'ResourceShareInvitationAlreadyRejectedException'],
    ['EXPIRED', 'not accepted in time and has expired', 'ResourceShareInvitationExpiredException'],
  ])('fails with the fix for a %s invitation', async (status, words, code) => {
    const w = world()
    ready(w, true)
    w.destination.ram.on(GetResourceShareInvitationsCommand).resolves({
      resourceShareInvitations: [
        { resourceShareInvitationArn: INVITATION_ARN, status: status as 'REJECTED' },
      ],
    })
    const error = await failure(acceptShareStep.run(w.ctx, runtime('accept-share')))
    expect(error.summary).toBe(
      `The invitation to resource share ${SHARE_ARN} was ${words} in the destination account 222222222222, so the source cluster is not shared with it`,
    )
    expect(error.code).toBe(code)
    expect(error.message).toContain('step "accept-share"')
    expect(w.destination.ram.commandCalls(AcceptResourceShareInvitationCommand)).toHaveLength(0)
  })

  it('maps an expiry found while accepting', async () => {
    const w = world()
    ready(w, true)
    w.destination.ram.on(GetResourceShareInvitationsCommand).resolves({
      resourceShareInvitations: [{ resourceShareInvitationArn: INVITATION_ARN, status: 'PENDING' }],
    })
    w.destination.ram
      .on(AcceptResourceShareInvitationCommand)
      .rejects(awsError('ResourceShareInvitationExpiredException', 'expired'))
    const error = await failure(acceptShareStep.run(w.ctx, runtime('accept-share')))
    expect(error.code).toBe('ResourceShareInvitationExpiredException')
    expect(error.summary).toContain('has expired')
  })
})
