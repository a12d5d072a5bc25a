/**
 * KMS operations (JSON 1.1, member names as in sim/models/kms.json) over a KmsStore.
 */
import { randomBytes } from 'node:crypto'
import { AwsError, type CallContext, type ServiceHandlers } from '../../core/types.ts'
import { ownerCanAdminister } from './policy.ts'
import { type KmsAlias, type KmsGrant, type KmsKey, type KmsStore } from './store.ts'

const DEFAULT_LIMIT = 50
const ALIAS_NAME = /^alias\/[a-zA-Z0-9/_-]+$/
const GRANT_ID = /^[0-9a-f]{64}$/

const str = (ctx: CallContext, name: string): string | undefined => {
  const value = ctx.input[name]
  return typeof value === 'string' ? value : undefined
}

/** AWS's answer when no policy lets the caller act on another account's key. */
function accessDenied(ctx: CallContext, key: KmsKey): AwsError {
  const action = `kms:${ctx.operation}`
  return new AwsError(
    'AccessDeniedException',
    `User: ${ctx.principalArn} is not authorized to perform: ${action} on resource: ${key.arn} ` +
      `because no resource-based policy allows the ${action} action`,
  )
}

/**
 * The key `KeyId` names. Another account's key only for operations KMS allows across accounts,
 * and only when its key policy allows this operation (`kms:<Operation>`) to the caller's account.
 */
function keyFor(store: KmsStore, ctx: CallContext, crossAccount: boolean): KmsKey {
  const key = store.require(ctx.account, str(ctx, 'KeyId') ?? '')
  if (key.account === ctx.account) return key
  if (!crossAccount || !store.mayCall(ctx.account, key, `kms:${ctx.operation}`)) {
    throw accessDenied(ctx, key)
  }
  return key
}

function keyMetadata(key: KmsKey): Record<string, unknown> {
  return {
    AWSAccountId: key.account,
    KeyId: key.keyId,
    Arn: key.arn,
    CreationDate: new Date(key.creationDate),
    Enabled: key.enabled,
    Description: key.description,
    KeyUsage: key.keyUsage,
    KeyState: key.enabled ? 'Enabled' : 'Disabled',
    Origin: 'AWS_KMS',
    KeyManager: key.manager,
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    EncryptionAlgorithms: key.keySpec === 'SYMMETRIC_DEFAULT' ? ['SYMMETRIC_DEFAULT'] : undefined,
    MultiRegion: false,
  }
}

function grantEntry(grant: KmsGrant): Record<string, unknown> {
  return {
    KeyId: grant.keyArn,
    GrantId: grant.grantId,
    Name: grant.name,
    CreationDate: new Date(grant.creationDate),
    GranteePrincipal: grant.granteePrincipal,
    GranteeServicePrincipal: grant.granteeServicePrincipal,
    RetiringPrincipal: grant.retiringPrincipal,
    IssuingAccount: `arn:aws:iam::${grant.issuingAccount}:root`,
    Operations: [...grant.operations],
    Constraints: grant.constraints,
  }
}

function aliasEntry(alias: KmsAlias): Record<string, unknown> {
  return {
    AliasName: alias.name,
    AliasArn: alias.arn,
    TargetKeyId: alias.targetKeyId,
    CreationDate: new Date(alias.creationDate),
    LastUpdatedDate: new Date(alias.lastUpdatedDate),
  }
}

/** KMS markers are opaque; here they are the index of the next item. */
function page<T>(
  ctx: CallContext,
  items: readonly T[],
): { items: T[]; NextMarker?: string; Truncated: boolean } {
  const limit = typeof ctx.input.Limit === 'number' ? ctx.input.Limit : DEFAULT_LIMIT
  const marker = str(ctx, 'Marker')
  const start = marker === undefined ? 0 : Number.parseInt(marker, 10)
  if (marker !== undefined && (!/^\d+$/.test(marker) || start > items.length)) {
    throw new AwsError('InvalidMarkerException', 'Invalid marker')
  }
  const end = Math.min(start + limit, items.length)
  return end < items.length
    ? { items: items.slice(start, end), NextMarker: String(end), Truncated: true }
    : { items: items.slice(start, end), Truncated: false }
}

function dryRun(ctx: CallContext): void {
  if (ctx.input.DryRun === true) {
    throw new AwsError(
      'DryRunOperationException',
      'The request would have succeeded, but the DryRun option is set.',
    )
  }
}

function grantToken(): string {
  return randomBytes(96).toString('base64url')
}

function createKey(store: KmsStore, ctx: CallContext): Record<string, unknown> {
  const origin = str(ctx, 'Origin') ?? 'AWS_KMS'
  if (origin !== 'AWS_KMS' || ctx.input.MultiRegion === true || ctx.input.CustomKeyStoreId) {
    throw new AwsError(
      'UnsupportedOperationException',
      'The simulator supports only single-Region keys with Origin AWS_KMS.',
    )
  }
  const policy = str(ctx, 'Policy')
  if (policy !== undefined) checkLockout(ctx, policy, ctx.account)
  const key = store.createKey({
    account: ctx.account,
    description: str(ctx, 'Description'),
    keySpec: str(ctx, 'KeySpec') ?? str(ctx, 'CustomerMasterKeySpec'),
    keyUsage: str(ctx, 'KeyUsage'),
    policy,
    tags: (ctx.input.Tags as { TagKey: string; TagValue: string }[] | undefined) ?? [],
  })
  return { KeyMetadata: keyMetadata(key) }
}

/** KMS refuses a policy that would stop the owner from changing it again, unless bypassed. */
function checkLockout(ctx: CallContext, policy: string, owner: string): void {
  if (!ownerCanAdminister(policy, owner) && ctx.input.BypassPolicyLockoutSafetyCheck !== true) {
    throw new AwsError(
      'MalformedPolicyDocumentException',
      'The new key policy will not allow you to update the key policy in the future.',
    )
  }
}

function createAlias(store: KmsStore, ctx: CallContext): Record<string, unknown> {
  const name = str(ctx, 'AliasName') ?? ''
  if (!ALIAS_NAME.test(name)) {
    throw new AwsError(
      'ValidationException',
      'Alias must start with the prefix "alias/". Please see ' +
        'https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html',
    )
  }
  if (name.startsWith('alias/aws/')) {
    throw new AwsError('InvalidAliasNameException', `Alias ${name} must not begin with alias/aws/`)
  }
  const key = store.require(ctx.account, str(ctx, 'TargetKeyId') ?? '')
  // An AWS-managed key's policy does not allow kms:CreateAlias.
  if (key.account !== ctx.account || key.manager === 'AWS') throw accessDenied(ctx, key)
  store.createAlias(ctx.account, name, key.keyId)
  return {}
}

function listAliases(store: KmsStore, ctx: CallContext): Record<string, unknown> {
  const keyRef = str(ctx, 'KeyId')
  const key = keyRef === undefined ? undefined : store.require(ctx.account, keyRef)
  if (key && key.account !== ctx.account) throw accessDenied(ctx, key)
  const aliases = [...store.aliases.values()]
    .filter((a) => a.account === ctx.account && (!key || a.targetKeyId === key.keyId))
    .sort((a, b) => a.name.localeCompare(b.name))
  const { items, ...rest } = page(ctx, aliases)
  return { Aliases: items.map(aliasEntry), ...rest }
}

function getKeyPolicy(store: KmsStore, ctx: CallContext): Record<string, unknown> {
  const key = keyFor(store, ctx, false)
  checkPolicyName(ctx)
  return { Policy: key.policy, PolicyName: 'default' }
}

function checkPolicyName(ctx: CallContext): void {
  const name = str(ctx, 'PolicyName')
  if (name !== undefined && name !== 'default') {
    throw new AwsError('NotFoundException', `No such policy exists: ${name}`)
  }
}

function putKeyPolicy(store: KmsStore, ctx: CallContext): Record<string, unknown> {
  const key = keyFor(store, ctx, false)
  checkPolicyName(ctx)
  if (key.manager === 'AWS') throw accessDenied(ctx, key)
  const policy = str(ctx, 'Policy') ?? ''
  checkLockout(ctx, policy, key.account)
  key.policy = policy
  return {}
}

function requireEnabled(key: KmsKey): void {
  if (!key.enabled) throw new AwsError('DisabledException', `${key.arn} is disabled.`)
}

function createGrant(store: KmsStore, ctx: CallContext): Record<string, unknown> {
  const key = keyFor(store, ctx, true)
  if (key.manager === 'AWS') throw accessDenied(ctx, key)
  requireEnabled(key)
  const grantee = str(ctx, 'GranteePrincipal')
  const granteeService = str(ctx, 'GranteeServicePrincipal')
  if ((grantee === undefined) === (granteeService === undefined)) {
    throw new AwsError(
      'ValidationException',
      'Exactly one of GranteePrincipal and GranteeServicePrincipal must be specified.',
    )
  }
  dryRun(ctx)
  const spec = {
    keyArn: key.arn,
    issuingAccount: ctx.account,
    granteePrincipal: grantee,
    granteeServicePrincipal: granteeService,
    retiringPrincipal: str(ctx, 'RetiringPrincipal'),
    operations: [...(ctx.input.Operations as string[])],
    name: str(ctx, 'Name'),
    constraints: ctx.input.Constraints,
  }
  // A named grant with the same parameters is the same grant (KMS's CreateGrant idempotency).
  const same =
    spec.name === undefined ? undefined : [...store.grants.values()].find((g) => sameGrant(g, spec))
  if (same) return { GrantId: same.grantId, GrantToken: grantToken() }
  const grant: KmsGrant = {
    ...spec,
    grantId: randomBytes(32).toString('hex'),
    creationDate: store.now(),
  }
  store.grants.set(grant.grantId, grant)
  return { GrantId: grant.grantId, GrantToken: grantToken() }
}

function sameGrant(
  a: Omit<KmsGrant, 'grantId' | 'creationDate'>,
  b: Omit<KmsGrant, 'grantId' | 'creationDate'>,
): boolean {
  const comparable = (g: Omit<KmsGrant, 'grantId' | 'creationDate'>): string =>
    JSON.stringify([
      g.keyArn,
      g.issuingAccount,
      g.granteePrincipal,
      g.granteeServicePrincipal,
      g.retiringPrincipal,
      [...g.operations].sort(),
      g.name,
      g.constraints ?? null,
    ])
  return comparable(a) === comparable(b)
}

function listGrants(store: KmsStore, ctx: CallContext): Record<string, unknown> {
  const key = keyFor(store, ctx, true)
  const grantId = str(ctx, 'GrantId')
  if (grantId !== undefined && !GRANT_ID.test(grantId)) {
    throw new AwsError('InvalidGrantIdException', `Invalid grant ID: ${grantId}`)
  }
  const grantee = str(ctx, 'GranteePrincipal')
  const grants = [...store.grants.values()].filter(
    (g) =>
      g.keyArn === key.arn &&
      (grantId === undefined || g.grantId === grantId) &&
      (grantee === undefined || g.granteePrincipal === grantee),
  )
  const { items, ...rest } = page(ctx, grants)
  return { Grants: items.map(grantEntry), ...rest }
}

function requireGrant(store: KmsStore, key: KmsKey, grantId: string): KmsGrant {
  if (!GRANT_ID.test(grantId)) {
    throw new AwsError('InvalidGrantIdException', `Invalid grant ID: ${grantId}`)
  }
  const grant = store.grants.get(grantId)
  if (!grant || grant.keyArn !== key.arn) {
    throw new AwsError('NotFoundException', `Grant ID ${grantId} not found for key ${key.arn}`)
  }
  return grant
}

const accountOf = (principal: string | undefined): string | undefined =>
  principal === undefined ? undefined : /^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):/.exec(principal)?.[1]

function retireGrant(store: KmsStore, ctx: CallContext): Record<string, unknown> {
  const grantId = str(ctx, 'GrantId')
  const keyRef = str(ctx, 'KeyId')
  if (str(ctx, 'GrantToken') !== undefined && grantId === undefined) {
    // Grant tokens are opaque here and not kept; a token alone cannot name a grant.
    throw new AwsError('InvalidGrantTokenException', 'Grant token is not valid.')
  }
  if (grantId === undefined || keyRef === undefined) {
    throw new AwsError('ValidationException', 'KeyId and GrantId must both be specified.')
  }
  const key = store.require(ctx.account, keyRef)
  const grant = requireGrant(store, key, grantId)
  const allowed = [grant.retiringPrincipal, grant.granteePrincipal].map(accountOf)
  if (grant.issuingAccount !== ctx.account && !allowed.includes(ctx.account)) {
    throw accessDenied(ctx, key)
  }
  dryRun(ctx)
  store.grants.delete(grant.grantId)
  return {}
}

function revokeGrant(store: KmsStore, ctx: CallContext): Record<string, unknown> {
  const key = keyFor(store, ctx, true)
  const grant = requireGrant(store, key, str(ctx, 'GrantId') ?? '')
  dryRun(ctx)
  store.grants.delete(grant.grantId)
  return {}
}

/** All KMS handlers of the model, bound to one store. */
export function kmsHandlers(store: KmsStore): ServiceHandlers {
  const bind =
    (fn: (store: KmsStore, ctx: CallContext) => Record<string, unknown>) =>
    (ctx: CallContext): Record<string, unknown> =>
      fn(store, ctx)
  return {
    CreateAlias: bind(createAlias),
    CreateGrant: bind(createGrant),
    CreateKey: bind(createKey),
    DescribeKey: bind((s, ctx) => ({ KeyMetadata: keyMetadata(keyFor(s, ctx, true)) })),
    GetKeyPolicy: bind(getKeyPolicy),
    ListAliases: bind(listAliases),
    ListGrants: bind(listGrants),
    PutKeyPolicy: bind(putKeyPolicy),
    RetireGrant: bind(retireGrant),
    RevokeGrant: bind(revokeGrant),
  }
}
