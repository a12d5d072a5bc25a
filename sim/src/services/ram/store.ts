/**
 * RAM state of one simulated region: resource shares, their resource and principal associations,
 * and invitations, with status changes applied lazily on simulated time.
 */
import { randomUUID } from 'node:crypto'
import { AwsError, type ServiceEnv, type TimelineEvent } from '../../core/types.ts'
import { Scheduler, type ScheduledChange } from './scheduler.ts'

/**
 * How long an invitation stays PENDING before it becomes EXPIRED (simulated seconds).
 * UNCONFIRMED: AWS does not document it (aws-reference A5); 7 days is the value in RAM's console.
 */
export const INVITATION_EXPIRY_SECONDS = 7 * 24 * 60 * 60

export type ShareStatus = 'PENDING' | 'ACTIVE' | 'FAILED' | 'DELETING' | 'DELETED'
export type AssociationStatus =
  'ASSOCIATING' | 'ASSOCIATED' | 'FAILED' | 'DISASSOCIATING' | 'DISASSOCIATED'
export type InvitationStatus = 'PENDING' | 'ACCEPTED' | 'REJECTED' | 'EXPIRED'

export interface Tag {
  readonly key: string
  readonly value?: string
}

export interface Share {
  readonly arn: string
  readonly name: string
  readonly owner: string
  readonly allowExternalPrincipals: boolean
  status: ShareStatus
  tags: Tag[]
  readonly creationTime: number
  lastUpdatedTime: number
  activation?: ScheduledChange
}

export interface Association {
  readonly shareArn: string
  readonly type: 'RESOURCE' | 'PRINCIPAL'
  /** Resource ARN or principal account id. */
  readonly entity: string
  readonly external: boolean
  status: AssociationStatus
  statusMessage?: string
  creationTime: number
  lastUpdatedTime: number
  /** When the association is ASSOCIATED at the earliest (external principals: once accepted). */
  readyAt: number
  change?: ScheduledChange
}

export interface Invitation {
  readonly arn: string
  readonly shareArn: string
  readonly shareName: string
  readonly sender: string
  readonly receiver: string
  readonly timestamp: number
  status: InvitationStatus
  expiry?: ScheduledChange
}

/** What RAM knows of the resources it shares (RDS tells it). */
export interface ResourceLookup {
  /** `status` is the resource's own state (an RDS cluster's `Status`). */
  lookup(arn: string): { ownerAccount: string; type: string; status?: string } | undefined
}

const ARN = /^arn:aws[\w-]*:[\w-]+:[\w-]*:\d{12}:.+$/
const SHARE_ARN = /^arn:aws[\w-]*:ram:[\w-]+:(\d{12}):resource-share\/[\w-]+$/
const INVITATION_ARN = /^arn:aws[\w-]*:ram:[\w-]+:(\d{12}):resource-share-invitation\/[\w-]+$/
const ACCOUNT_ID = /^\d{12}$/

export class RamStore {
  readonly env: ServiceEnv
  readonly resources: ResourceLookup
  readonly scheduler: Scheduler
  readonly shares = new Map<string, Share>()
  readonly associations: Association[] = []
  readonly invitations = new Map<string, Invitation>()

  constructor(env: ServiceEnv, resources: ResourceLookup) {
    this.env = env
    this.resources = resources
    this.scheduler = new Scheduler(env.timeline, () => env.clock.now())
  }

  now(): number {
    return this.env.clock.now()
  }

  private get transitionMs(): number {
    return this.env.scenario.durations.shareActivate * 1000
  }

  private event(share: Share, status: string, time: number): TimelineEvent {
    return {
      time,
      account: share.owner,
      service: 'ram',
      resourceType: 'resource-share',
      identifier: share.arn,
      status,
    }
  }

  /** Whether both accounts are in the same AWS Organization (then no invitation is needed). */
  sameOrganization(a: string, b: string): boolean {
    const orgA = this.env.accounts.get(a)?.organizationId
    return orgA !== undefined && orgA === this.env.accounts.get(b)?.organizationId
  }

  createShare(spec: {
    owner: string
    name: string
    allowExternalPrincipals: boolean
    tags: Tag[]
  }): Share {
    const now = this.now()
    const share: Share = {
      ...spec,
      arn: `arn:aws:ram:${this.env.region}:${spec.owner}:resource-share/${randomUUID()}`,
      status: 'PENDING',
      creationTime: now,
      lastUpdatedTime: now,
    }
    this.shares.set(share.arn, share)
    this.env.timeline.record(this.event(share, 'PENDING', now))
    const activeAt = now + this.transitionMs
    share.activation = this.scheduler.at(activeAt, () => {
      share.status = 'ACTIVE'
      share.lastUpdatedTime = activeAt
      return this.event(share, 'ACTIVE', activeAt)
    })
    return share
  }

  /** Throws MalformedArnException unless `arn` looks like an ARN. */
  checkArn(arn: string, what = 'ARN'): void {
    if (!ARN.test(arn)) {
      throw new AwsError(
        'MalformedArnException',
        `The specified ${what} ${arn} is not valid. Verify the ARN and try again.`,
      )
    }
  }

  /** The caller's own share, or UnknownResourceException / MalformedArnException. */
  ownShare(account: string, arn: string): Share {
    if (!SHARE_ARN.test(arn)) {
      throw new AwsError(
        'MalformedArnException',
        `The specified resource share ARN ${arn} is not valid. Verify the ARN and try again.`,
      )
    }
    const share = this.shares.get(arn)
    if (!share || share.owner !== account) {
      throw new AwsError('UnknownResourceException', `ResourceShare ${arn} could not be found.`)
    }
    return share
  }

  checkShareArns(arns: readonly string[]): void {
    for (const arn of arns) {
      if (!SHARE_ARN.test(arn)) {
        throw new AwsError(
          'MalformedArnException',
          `The specified resource share ARN ${arn} is not valid. Verify the ARN and try again.`,
        )
      }
    }
  }

  checkInvitationArn(arn: string): void {
    if (!INVITATION_ARN.test(arn)) {
      throw new AwsError(
        'MalformedArnException',
        `The specified resource share invitation ARN ${arn} is not valid. Verify the ARN and try again.`,
      )
    }
  }

  /** Checks resources to share: well-formed ARNs of existing resources the caller owns. */
  checkResources(account: string, arns: readonly string[]): void {
    for (const arn of arns) {
      this.checkArn(arn, 'resource ARN')
      const resource = this.resources.lookup(arn)
      if (!resource || resource.ownerAccount !== account) {
        throw new AwsError('UnknownResourceException', `The resource ${arn} could not be found.`)
      }
      // "You can't share an Aurora DB cluster with other AWS accounts unless the cluster is in an
      // ACTIVE state" (Aurora User Guide, cross-account cloning). The error code is unconfirmed.
      if (resource.status !== undefined && resource.status !== 'available') {
        throw new AwsError(
          'InvalidParameterException',
          `The resource you are attempting to share (${arn}) is not in an ACTIVE state (status: ${resource.status}). Share it once it is available.`,
        )
      }
    }
  }

  /** Checks principals: 12-digit account ids, not the owner, inside the organization if required. */
  checkPrincipals(
    share: Pick<Share, 'owner' | 'allowExternalPrincipals'>,
    principals: readonly string[],
  ): void {
    for (const principal of principals) {
      if (!ACCOUNT_ID.test(principal)) {
        throw new AwsError(
          'InvalidParameterException',
          `Principal ID ${principal} is malformed. Verify the ID and try again.`,
        )
      }
      if (principal === share.owner) {
        throw new AwsError(
          'InvalidParameterException',
          `The resource share owner ${principal} cannot be a principal of its own resource share.`,
        )
      }
      if (!share.allowExternalPrincipals && !this.sameOrganization(share.owner, principal)) {
        throw new AwsError(
          'OperationNotPermittedException',
          `Principal ${principal} is not in your AWS Organization and the resource share does not allow external principals.`,
        )
      }
    }
  }

  findAssociation(
    shareArn: string,
    type: Association['type'],
    entity: string,
  ): Association | undefined {
    return this.associations.find(
      (a) => a.shareArn === shareArn && a.type === type && a.entity === entity,
    )
  }

  /** Whether an association is in place or on its way (not failed, leaving or gone). */
  live(association: Association | undefined): boolean {
    return association?.status === 'ASSOCIATING' || association?.status === 'ASSOCIATED'
  }

  /** Associates an entity (or returns its live association), scheduling ASSOCIATED. */
  associate(share: Share, type: Association['type'], entity: string): Association {
    const existing = this.findAssociation(share.arn, type, entity)
    if (existing && this.live(existing)) return existing
    const now = this.now()
    const external = type === 'PRINCIPAL' && !this.sameOrganization(share.owner, entity)
    const association: Association = existing ?? {
      shareArn: share.arn,
      type,
      entity,
      external,
      status: 'ASSOCIATING',
      creationTime: now,
      lastUpdatedTime: now,
      readyAt: now,
    }
    if (existing) existing.change?.cancel()
    else this.associations.push(association)
    Object.assign(association, {
      status: 'ASSOCIATING',
      statusMessage: undefined,
      creationTime: now,
      lastUpdatedTime: now,
      readyAt: now + this.transitionMs,
    })
    if (external && !this.acceptedInvitation(share.arn, entity)) {
      this.invite(share, entity)
    } else {
      this.scheduleAssociated(association, association.readyAt)
    }
    return association
  }

  private scheduleAssociated(association: Association, time: number): void {
    association.change?.cancel()
    association.change = this.scheduler.at(time, () => {
      association.status = 'ASSOCIATED'
      association.lastUpdatedTime = time
      return undefined
    })
  }

  disassociate(association: Association): void {
    const now = this.now()
    const doneAt = now + this.transitionMs
    association.change?.cancel()
    association.status = 'DISASSOCIATING'
    association.lastUpdatedTime = now
    association.change = this.scheduler.at(doneAt, () => {
      association.status = 'DISASSOCIATED'
      association.lastUpdatedTime = doneAt
      return undefined
    })
  }

  private acceptedInvitation(shareArn: string, receiver: string): boolean {
    return [...this.invitations.values()].some(
      (i) => i.shareArn === shareArn && i.receiver === receiver && i.status === 'ACCEPTED',
    )
  }

  private invite(share: Share, receiver: string): void {
    const pending = [...this.invitations.values()].find(
      (i) => i.shareArn === share.arn && i.receiver === receiver && i.status === 'PENDING',
    )
    if (pending) return
    const now = this.now()
    const invitation: Invitation = {
      arn: `arn:aws:ram:${this.env.region}:${share.owner}:resource-share-invitation/${randomUUID()}`,
      shareArn: share.arn,
      shareName: share.name,
      sender: share.owner,
      receiver,
      timestamp: now,
      status: 'PENDING',
    }
    this.invitations.set(invitation.arn, invitation)
    const expiresAt = now + INVITATION_EXPIRY_SECONDS * 1000
    invitation.expiry = this.scheduler.at(expiresAt, () => {
      invitation.status = 'EXPIRED'
      const association = this.findAssociation(share.arn, 'PRINCIPAL', receiver)
      if (association?.status === 'ASSOCIATING') {
        association.status = 'FAILED'
        association.statusMessage = 'The invitation to the resource share expired.'
        association.lastUpdatedTime = expiresAt
      }
      return {
        time: expiresAt,
        account: receiver,
        service: 'ram',
        resourceType: 'resource-share-invitation',
        identifier: invitation.arn,
        status: 'EXPIRED',
      }
    })
  }

  /** Accepts an invitation in the receiver's account, with RAM's errors for every other state. */
  accept(account: string, arn: string): Invitation {
    this.checkInvitationArn(arn)
    const invitation = this.invitations.get(arn)
    if (!invitation || invitation.receiver !== account) {
      throw new AwsError(
        'ResourceShareInvitationArnNotFoundException',
        `ResourceShareInvitation ${arn} could not be found.`,
      )
    }
    const refusal = {
      ACCEPTED: ['ResourceShareInvitationAlreadyAcceptedException', 'has already been accepted'],
      REJECTED: ['ResourceShareInvitationAlreadyRejectedException', 'has already been rejected'],
      EXPIRED: ['ResourceShareInvitationExpiredException', 'has expired'],
    } as const
    if (invitation.status !== 'PENDING') {
      const [code, text] = refusal[invitation.status]
      throw new AwsError(code, `ResourceShareInvitation ${arn} ${text}.`)
    }
    const share = this.shares.get(invitation.shareArn)
    if (!share || share.status === 'DELETING' || share.status === 'DELETED') {
      throw new AwsError(
        'OperationNotPermittedException',
        `ResourceShare ${invitation.shareArn} has been deleted.`,
      )
    }
    invitation.status = 'ACCEPTED'
    invitation.expiry?.cancel()
    this.env.timeline.record({
      time: this.now(),
      account,
      service: 'ram',
      resourceType: 'resource-share-invitation',
      identifier: arn,
      status: 'ACCEPTED',
    })
    const association = this.findAssociation(share.arn, 'PRINCIPAL', account)
    if (association?.status === 'ASSOCIATING') {
      this.scheduleAssociated(association, Math.max(this.now(), association.readyAt))
    }
    return invitation
  }

  deleteShare(share: Share): void {
    if (share.status === 'DELETING' || share.status === 'DELETED') {
      throw new AwsError(
        'InvalidStateTransitionException',
        `ResourceShare ${share.arn} is already ${share.status === 'DELETED' ? 'deleted' : 'being deleted'}.`,
      )
    }
    const now = this.now()
    const deletedAt = now + this.transitionMs
    share.activation?.cancel()
    share.status = 'DELETING'
    share.lastUpdatedTime = now
    this.env.timeline.record(this.event(share, 'DELETING', now))
    for (const association of this.associations) {
      if (association.shareArn === share.arn && this.live(association))
        this.disassociate(association)
    }
    this.scheduler.at(deletedAt, () => {
      share.status = 'DELETED'
      share.lastUpdatedTime = deletedAt
      return this.event(share, 'DELETED', deletedAt)
    })
  }

  /** Shares that `account` receives: it is an associated principal (accepted where invited). */
  receivedShares(account: string): Share[] {
    return [...this.shares.values()].filter(
      (s) => this.findAssociation(s.arn, 'PRINCIPAL', account)?.status === 'ASSOCIATED',
    )
  }

  isSharedWith(resourceArn: string, account: string): boolean {
    return this.receivedShares(account).some(
      (share) =>
        share.status === 'ACTIVE' &&
        this.findAssociation(share.arn, 'RESOURCE', resourceArn)?.status === 'ASSOCIATED' &&
        (this.latestInvitation(share.arn, account)?.status ?? 'ACCEPTED') === 'ACCEPTED',
    )
  }

  private latestInvitation(shareArn: string, receiver: string): Invitation | undefined {
    return [...this.invitations.values()]
      .filter((i) => i.shareArn === shareArn && i.receiver === receiver)
      .at(-1)
  }
}
