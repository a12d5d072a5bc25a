/**
 * IAM in front of every handler: a role session whose role has identity policies is checked
 * against them for each IAM action and resource the call needs (requests.ts); a call no statement
 * allows is refused as AWS words it, per service. Roles without policies (and static keys) keep
 * the simulator's allow-all behaviour. Every allowed check is recorded with the statement that
 * allowed it, which is what the minimality test reads.
 */
import { AwsError, type AccountFixture, type KmsView, type ServiceName } from '../core/types.ts'
import type { Caller } from '../identity.ts'
import { evaluate, type Decision, type Match, type NamedPolicy } from './policy.ts'

export type { Match, NamedPolicy }
import { checksFor, type Check, type IamResourceView } from './requests.ts'

/**
 * One allowed check: which role did what, and every statement (with the pattern) that allowed
 * it. A grant is needed when it was the only one allowing some check.
 */
export interface UsageRecord {
  readonly role: string
  readonly operation: string
  readonly action: string
  readonly resource: string
  readonly allowedBy: readonly Match[]
}

/** One refused check, for tests that assert what was denied. */
export interface DenialRecord {
  readonly role: string
  readonly operation: string
  readonly action: string
  readonly resource: string
  readonly explicit: boolean
}

export interface Authorizer {
  /** Throws the service's AccessDenied when a check fails; records every allowed check. */
  authorize(call: {
    caller: Caller
    service: ServiceName
    operation: string
    input: Readonly<Record<string, unknown>>
  }): void
  readonly usage: readonly UsageRecord[]
  readonly denials: readonly DenialRecord[]
  /** Replaces a role's identity policies from now on; undefined: allow-all again. */
  setRolePolicies(roleArn: string, policies: readonly NamedPolicy[] | undefined): void
}

export interface AuthorizerDeps {
  readonly accounts: readonly AccountFixture[]
  readonly region: string
  readonly resources: IamResourceView
  readonly kms: KmsView
}

const roleArn = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`

export function createAuthorizer(deps: AuthorizerDeps): Authorizer {
  const usage: UsageRecord[] = []
  const denials: DenialRecord[] = []

  const byRole = new Map<string, readonly NamedPolicy[]>()
  for (const account of deps.accounts) {
    for (const role of account.roles ?? []) {
      if (role.policies) byRole.set(roleArn(account.id, role.name), role.policies)
    }
  }
  const policiesOf = (caller: Caller): readonly NamedPolicy[] | undefined => {
    const session = caller.session
    return session && byRole.get(roleArn(session.account, session.roleName))
  }

  /** KMS needs an identity policy only where the key policy delegates to the account (H). */
  const needsIdentity = (caller: Caller, service: ServiceName, check: Check): boolean => {
    const isKms = check.action.startsWith('kms:') && check.resource.startsWith('arn:aws:kms:')
    if (!isKms || (service !== 'kms' && check.via !== 'rds')) return true
    return deps.kms.delegatesToIdentity(
      caller.account,
      check.resource,
      check.action,
      check.via === 'rds',
    )
  }

  return {
    usage,
    denials,
    setRolePolicies(arn, policies) {
      if (policies) byRole.set(arn, policies)
      else byRole.delete(arn)
    },
    authorize({ caller, service, operation, input }) {
      const policies = policiesOf(caller)
      if (policies === undefined) return
      const facts = { service, operation, input, account: caller.account, region: deps.region }
      const checks = checksFor(facts, deps.resources) ?? []
      const role = roleArn(caller.account, caller.session?.roleName ?? '')
      for (const check of checks) {
        if (!needsIdentity(caller, service, check)) continue
        if (check.existing && deps.resources.tagsOf(check.resource) === undefined) continue
        const decision = evaluate(policies, check)
        if (decision.effect === 'allow') {
          usage.push({
            role,
            operation,
            action: check.action,
            resource: check.resource,
            allowedBy: decision.matches,
          })
          continue
        }
        denials.push({
          role,
          operation,
          action: check.action,
          resource: check.resource,
          explicit: decision.effect === 'deny',
        })
        throw denial(service, caller.principalArn, check, decision)
      }
    },
  }
}

/** AWS's wording (IAM User Guide, "Troubleshoot access denied error messages"). */
export function deniedMessage(principal: string, check: Check, explicit: boolean): string {
  const head = `User: ${principal} is not authorized to perform: ${check.action} on resource: ${check.resource}`
  return explicit
    ? `${head} with an explicit deny in an identity-based policy`
    : `${head} because no identity-based policy allows the ${check.action} action`
}

/** The refusal as each service answers it (aws-reference H; RAM: 403 AccessDeniedException). */
function denial(
  service: ServiceName,
  principal: string,
  check: Check,
  decision: Decision,
): AwsError {
  const message = deniedMessage(principal, check, decision.effect === 'deny')
  if (check.via === 'rds') {
    return new AwsError(
      'KMSKeyNotAccessibleFault',
      `The KMS key ${check.resource} is not accessible to the caller. ${message}`,
      400,
    )
  }
  switch (service) {
    case 'kms':
      return new AwsError('AccessDeniedException', message, 400)
    case 'ram':
      return new AwsError('AccessDeniedException', message, 403)
    default:
      return new AwsError('AccessDenied', message, 403)
  }
}
