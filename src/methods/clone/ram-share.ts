import { createHash } from 'node:crypto'
import type { ResourceShareInvitation } from '@aws-sdk/client-ram'
import {
  acceptInvitation,
  createShare as createResourceShare,
  findShare,
  getShare,
  listInvitations,
  principalAssociation,
} from '../../aws/ram.js'
import type { AccountSide, Step, StepRuntime } from '../../engine/types.js'
import { stepWaitContext, waitFor } from '../../engine/wait.js'
import { ActionError, awsErrorCode } from '../../errors.js'
import { runIdOf, TagKeys } from '../../tags.js'
import type { RefreshContext } from '../common/context.js'

/** Tag on shares this action creates: which account the source is shared with. */
export const SHARE_PRINCIPAL_TAG = 'rds-refresh:principal'

/** How long to wait for the invitation of an external share to reach the destination. */
const INVITATION_WAIT_MS = 5 * 60_000

/** The share's name: one share per source cluster and destination account. */
export function shareName(sourceIdentifier: string, principal: string): string {
  return `rds-refresh-${sourceIdentifier}-to-${principal}`
}

/**
 * Idempotency token for CreateResourceShare: the same run retrying the call gets the same share.
 * RAM accepts up to 64 characters.
 */
export function shareClientToken(ctx: RefreshContext): string {
  const run = runIdOf(ctx.settings.run)
  const digest = createHash('sha256')
    .update(`${ctx.sourceDb.arn}|${ctx.destination.accountId}|${run}`)
    .digest('hex')
  return `rds-refresh-${digest.slice(0, 40)}`
}

/**
 * Source account: find the one RAM share that holds this source cluster for the destination
 * account, or create it, and wait until it is ACTIVE. The share is kept after the run (disposal
 * `kept`): later runs reuse it, and whether a clone survives the removal of its share is
 * UNCONFIRMED (aws-reference A5/A6).
 */
export const shareSourceStep: Step<RefreshContext> = {
  name: 'share-source',
  title: 'Share the source cluster with the destination account (AWS RAM)',
  side: 'source',
  when: (ctx) => !ctx.sameAccount,
  async run(ctx, runtime) {
    const ram = ctx.source.clients.ram
    const principal = ctx.destination.accountId
    const found = await findShare(ram, {
      resourceArn: ctx.sourceDb.arn,
      principal,
      name: shareName(ctx.sourceDb.identifier, principal),
    })
    let arn: string
    if (found?.resourceShareArn) {
      arn = found.resourceShareArn
      runtime.log.info(
        `Reusing resource share ${found.name ?? ''} (${arn}), status ${found.status ?? 'unknown'}`,
      )
      runtime.note('reused')
    } else {
      arn = await createShare(ctx, runtime)
      runtime.log.info(
        `Created resource share ${arn}. It is kept after the run so that later runs (and the clone) reuse it; remove it with: aws ram delete-resource-share --resource-share-arn ${arn}`,
      )
      runtime.note('created')
    }
    await waitForShareActive(ctx, runtime, arn)
    const association = await principalAssociation(ram, arn, principal)
    if (association?.status === 'FAILED') {
      throw unusableInvitation(
        ctx,
        'EXPIRED',
        arn,
        {
          step: runtime.name,
          resource: arn,
          side: 'source',
          accountId: ctx.source.accountId,
        },
        undefined,
        association.statusMessage,
      )
    }
    ctx.values.resourceShare.set({ arn, external: association?.external ?? false })
  },
}

async function createShare(ctx: RefreshContext, runtime: StepRuntime): Promise<string> {
  const principal = ctx.destination.accountId
  const where = {
    step: runtime.name,
    resource: ctx.sourceDb.arn,
    side: 'source' as const,
    accountId: ctx.source.accountId,
  }
  try {
    const arn = await createResourceShare(ctx.source.clients.ram, {
      name: shareName(ctx.sourceDb.identifier, principal),
      resourceArns: [ctx.sourceDb.arn],
      principals: [principal],
      // Outside the source's AWS Organization the destination needs an invitation, which only a
      // share allowing external principals sends; inside, RAM sharing with the Organization
      // needs neither (and an SCP may deny external shares).
      allowExternalPrincipals: ctx.settings.allowExternalPrincipals,
      clientToken: shareClientToken(ctx),
      tags: [
        ...ctx.tags
          .map((t) => ({ key: t.Key ?? '', value: t.Value ?? '' }))
          .filter((t) => t.key !== TagKeys.expiresAt),
        { key: SHARE_PRINCIPAL_TAG, value: principal },
      ],
    })
    if (!arn) throw new ActionError({ summary: 'RAM returned no resource share ARN', ...where })
    runtime.record({
      kind: 'resource-share',
      side: 'source',
      id: arn,
      disposal: 'kept',
      sharedWith: principal,
    })
    return arn
  } catch (error) {
    throw ActionError.fromAws(error, {
      summary: `Could not share source ${ctx.sourceDb.identifier} with account ${principal} through AWS RAM`,
      ...where,
      hint: shareHint(awsErrorCode(error)),
    })
  }
}

function shareHint(code: string | undefined): string | undefined {
  switch (code) {
    case 'OperationNotPermittedException':
      return "RAM refused the principal: if the destination account is outside the source account's AWS Organization, set allow-external-principals: true; if it is inside, enable sharing with AWS Organizations (aws ram enable-sharing-with-aws-organization in the management account); see docs/cross-account.md."
    case 'ResourceShareLimitExceededException':
      return 'The source account has reached its RAM resource share quota: delete unused shares or ask AWS for a higher quota.'
    case 'AccessDeniedException':
    case 'AccessDenied':
      return 'The source role needs ram:CreateResourceShare and ram:TagResource (iam/source-clone.json); with allow-external-principals: true, a service control policy that denies external RAM sharing refuses the share (see docs/cross-account.md).'
    default:
      return undefined
  }
}

async function waitForShareActive(
  ctx: RefreshContext,
  runtime: StepRuntime,
  arn: string,
): Promise<void> {
  const ram = ctx.source.clients.ram
  await waitFor(
    {
      resource: `resource share ${arn}`,
      side: 'source',
      accountId: ctx.source.accountId,
      describe: () => getShare(ram, arn, 'SELF'),
      status: (s) => s.status ?? 'unknown',
      until: ['ACTIVE'],
      failOn: ['FAILED', 'DELETING', 'DELETED'],
    },
    stepWaitContext(runtime, ctx.settings.pollIntervalSeconds),
  )
}

/**
 * Destination account: accept the share's invitation when one is pending (an account outside the
 * source's AWS Organization gets one; inside, there is none), then wait until the share reaches
 * the destination. An invitation already accepted by an earlier run is fine.
 */
export const acceptShareStep: Step<RefreshContext> = {
  name: 'accept-share',
  title: 'Accept the resource share in the destination account (when invited)',
  side: 'destination',
  after: ['share-source'],
  when: (ctx) => !ctx.sameAccount,
  async run(ctx, runtime) {
    const { arn, external } = ctx.values.resourceShare.get()
    const invitation = external
      ? await waitForInvitation(ctx, runtime, arn)
      : await latestInvitation(ctx, arn)
    if (!invitation) {
      runtime.log.info(
        'No invitation for this share: the accounts are in one AWS Organization with sharing enabled, so none is needed',
      )
      runtime.note('no invitation (same organization)')
    } else {
      await settleInvitation(ctx, runtime, invitation)
    }
    await waitForShareReceived(ctx, runtime, arn)
  },
}

/** The invitation for the share that matters most: accepted, then pending, then the newest. */
async function latestInvitation(
  ctx: RefreshContext,
  shareArn: string,
): Promise<ResourceShareInvitation | undefined> {
  const invitations = await listInvitations(ctx.destination.clients.ram, shareArn)
  const rank = (i: ResourceShareInvitation): number =>
    i.status === 'ACCEPTED' ? 0 : i.status === 'PENDING' ? 1 : 2
  const newest = (i: ResourceShareInvitation): number => i.invitationTimestamp?.getTime() ?? 0
  return invitations.sort((a, b) => rank(a) - rank(b) || newest(b) - newest(a))[0]
}

/** RAM creates the invitation with the share; give it a few polls to show up in the destination. */
async function waitForInvitation(
  ctx: RefreshContext,
  runtime: StepRuntime,
  shareArn: string,
): Promise<ResourceShareInvitation> {
  return waitFor(
    {
      resource: `invitation to resource share ${shareArn}`,
      side: 'destination',
      accountId: ctx.destination.accountId,
      describe: () => latestInvitation(ctx, shareArn),
      status: (i) => i.status ?? 'unknown',
      until: ['PENDING', 'ACCEPTED', 'REJECTED', 'EXPIRED'],
      failOn: [],
    },
    {
      ...stepWaitContext(runtime, ctx.settings.pollIntervalSeconds),
      // The invitation is made with the share: minutes without one mean something else is wrong.
      deadline: Math.min(runtime.deadline, Date.now() + INVITATION_WAIT_MS),
    },
  )
}

async function settleInvitation(
  ctx: RefreshContext,
  runtime: StepRuntime,
  invitation: ResourceShareInvitation,
): Promise<void> {
  const arn = invitation.resourceShareInvitationArn ?? 'unknown'
  const shareArn = invitation.resourceShareArn ?? ctx.values.resourceShare.peek()?.arn ?? 'unknown'
  const where = {
    step: runtime.name,
    resource: arn,
    side: 'destination' as const,
    accountId: ctx.destination.accountId,
  }
  if (invitation.status === 'ACCEPTED') {
    runtime.log.info(`Invitation ${arn} was already accepted`)
    runtime.note('invitation already accepted')
    return
  }
  if (invitation.status === 'REJECTED' || invitation.status === 'EXPIRED') {
    throw unusableInvitation(ctx, invitation.status, shareArn, where)
  }
  try {
    await acceptInvitation(ctx.destination.clients.ram, arn)
    runtime.log.info(`Accepted invitation ${arn}`)
    runtime.note('invitation accepted')
  } catch (error) {
    const code = awsErrorCode(error)
    if (code === 'ResourceShareInvitationAlreadyAcceptedException') {
      runtime.log.info(`Invitation ${arn} was already accepted`)
      return
    }
    if (code === 'ResourceShareInvitationExpiredException')
      throw unusableInvitation(ctx, 'EXPIRED', shareArn, where, error)
    if (code === 'ResourceShareInvitationAlreadyRejectedException')
      throw unusableInvitation(ctx, 'REJECTED', shareArn, where, error)
    throw ActionError.fromAws(error, {
      summary: `Could not accept the invitation to resource share ${shareArn}`,
      ...where,
    })
  }
}

function unusableInvitation(
  ctx: RefreshContext,
  status: 'REJECTED' | 'EXPIRED',
  shareArn: string,
  where: { step: string; resource: string; side: AccountSide; accountId: string },
  cause?: unknown,
  detail?: string,
): ActionError {
  const region = ctx.settings.region
  const what = status === 'EXPIRED' ? 'not accepted in time and has expired' : 'rejected'
  return new ActionError({
    summary: `The invitation to resource share ${shareArn} was ${what} in the destination account ${ctx.destination.accountId}, so the source cluster is not shared with it${detail ? ` (RAM: ${detail})` : ''}`,
    ...where,
    code:
      status === 'EXPIRED'
        ? 'ResourceShareInvitationExpiredException'
        : 'ResourceShareInvitationAlreadyRejectedException',
    hint: `Delete the share in the source account (aws ram delete-resource-share --resource-share-arn ${shareArn} --region ${region}) and re-run: the run creates a fresh share, and its invitation is accepted by the destination role right away.`,
    cause,
  })
}

/** The share reaches the destination once its principal association is in place. */
async function waitForShareReceived(
  ctx: RefreshContext,
  runtime: StepRuntime,
  arn: string,
): Promise<void> {
  const ram = ctx.destination.clients.ram
  await waitFor(
    {
      resource: `resource share ${arn} (received)`,
      side: 'destination',
      accountId: ctx.destination.accountId,
      describe: async () =>
        (await getShare(ram, arn, 'OTHER-ACCOUNTS')) ?? { status: 'not yet received' },
      status: (s) => s.status ?? 'unknown',
      until: ['ACTIVE'],
      failOn: ['FAILED', 'DELETING', 'DELETED'],
    },
    stepWaitContext(runtime, ctx.settings.pollIntervalSeconds),
  )
}
