import { randomInt } from 'node:crypto'
import * as core from '@actions/core'
import { addTags, modifyDatabase } from '../../aws/rds-databases.js'
import { findCluster, findInstance } from '../../aws/rds-read.js'
import type { Step, StepRuntime } from '../../engine/types.js'
import { ActionError } from '../../errors.js'
import type { CopyResult } from '../../result.js'
import type { RefreshContext } from './context.js'
import { copyResult } from './copy-result.js'
import { waitForCluster, waitForInstance } from './waits.js'
import { stepWaitContext, waitFor } from '../../engine/wait.js'
import { CopyState, TagKeys } from '../../tags.js'

/** Printable ASCII without '/', '"', '@' and space, which RDS refuses in master passwords. */
const PASSWORD_ALPHABET = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i))
  .filter((c) => !'/"@'.includes(c))
  .join('')

/** A random master password RDS accepts (8-41 characters); 32 gives ~200 bits. */
export function generatePassword(length = 32): string {
  return Array.from({ length }, () => PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]).join(
    '',
  )
}

/**
 * Set the copy's master password as `master-password` asks: an RDS-managed secret (its ARN is an
 * output), a random masked password, or the source's password left as it is (a warning).
 */
export function passwordStep(after: readonly string[]): Step<RefreshContext> {
  return {
    name: 'set-password',
    title: 'Set the master password of the copy',
    side: 'destination',
    after,
    async run(ctx, runtime) {
      const mode = ctx.settings.masterPassword
      if (mode === 'keep') {
        runtime.log.warning(
          "master-password is keep: the copy still has the source database's master password. Anyone who can reach the copy with it can read production data.",
        )
        runtime.note('kept the source password')
        return
      }
      const target = { kind: ctx.copyKind, id: ctx.names.target }
      if (mode === 'generate') {
        const password = generatePassword()
        // Masked before it goes anywhere, so no later log line, error or summary can show it.
        core.setSecret(password)
        await modifyCopy(ctx, runtime, target, { MasterUserPassword: password })
        runtime.log.info(
          'Set a generated master password. It is masked and, by design, not an output (GitHub drops outputs holding masked values) and stored nowhere: use master-password: secrets-manager to hand a password to later steps, or reset it with ModifyDBCluster/ModifyDBInstance.',
        )
        runtime.note('generated, masked')
        await waitForPasswordApplied(ctx, runtime, target)
        return
      }
      await modifyCopy(ctx, runtime, target, { ManageMasterUserPassword: true })
      runtime.note('managed in Secrets Manager')
      const applied = await waitForPasswordApplied(ctx, runtime, target)
      // The describe that saw the change applied usually shows the secret active already.
      const secret = applied.MasterUserSecret
      ctx.values.masterUserSecretArn.set(
        secret?.SecretStatus === 'active' && secret.SecretArn
          ? secret.SecretArn
          : await waitForSecret(ctx, runtime),
      )
    },
  }
}

interface CopyRef {
  readonly kind: 'cluster' | 'instance'
  readonly id: string
}

type PasswordChange = { MasterUserPassword: string } | { ManageMasterUserPassword: true }

async function modifyCopy(
  ctx: RefreshContext,
  runtime: StepRuntime,
  target: CopyRef,
  change: PasswordChange,
): Promise<void> {
  try {
    await modifyDatabase(ctx.destination.clients.rds, target, change)
  } catch (error) {
    // AWS's message is kept out: it could quote the request, and the password must never be shown.
    const managed = 'ManageMasterUserPassword' in change
    throw ActionError.fromAws(error, {
      summary: managed
        ? `Could not turn on the RDS-managed master password (Secrets Manager) for ${target.id}`
        : `Could not set the generated master password on ${target.id}`,
      step: runtime.name,
      resource: target.id,
      side: 'destination',
      accountId: ctx.destination.accountId,
      awsMessage: managed ? undefined : 'message withheld (the request carried a password)',
      hint: managed
        ? 'The destination role needs secretsmanager:CreateSecret, secretsmanager:TagResource and kms:DescribeKey besides rds:ModifyDBCluster; global database clusters do not support managed passwords (use master-password: generate).'
        : undefined,
    })
  }
}

/**
 * The change is applied once the copy is available again with no password change pending;
 * returns the copy as that describe showed it.
 */
async function waitForPasswordApplied(
  ctx: RefreshContext,
  runtime: StepRuntime,
  target: CopyRef,
): Promise<{ MasterUserSecret?: { SecretArn?: string; SecretStatus?: string } }> {
  const pending = (
    p: { MasterUserPassword?: string; MasterUserSecretStatus?: string } | undefined,
  ): boolean => Boolean(p?.MasterUserPassword)
  if (target.kind === 'instance') {
    return waitForInstance(ctx, runtime, {
      side: 'destination',
      id: target.id,
      ready: (i) => !pending(i.PendingModifiedValues),
    })
  }
  return waitForCluster(ctx, runtime, {
    side: 'destination',
    id: target.id,
    ready: (c) => !pending(c.PendingModifiedValues),
  })
}

/** The managed secret is created asynchronously; its ARN is the hand-off to later steps. */
async function waitForSecret(ctx: RefreshContext, runtime: StepRuntime): Promise<string> {
  const rds = ctx.destination.clients.rds
  const id = ctx.names.target
  const read = async () => {
    const item =
      ctx.copyKind === 'instance' ? await findInstance(rds, id) : await findCluster(rds, id)
    return item?.MasterUserSecret ?? {}
  }
  const secret = await waitFor(
    {
      resource: `master user secret of ${id}`,
      side: 'destination',
      accountId: ctx.destination.accountId,
      describe: read,
      status: (s) => s.SecretStatus ?? 'not yet created',
      until: ['active'],
      failOn: ['impaired'],
    },
    stepWaitContext(runtime, ctx.settings.pollIntervalSeconds),
  )
  if (!secret.SecretArn) {
    throw new ActionError({
      summary: `RDS reported no secret ARN for ${id}`,
      step: runtime.name,
      side: 'destination',
      accountId: ctx.destination.accountId,
    })
  }
  return secret.SecretArn
}

/** Read the finished copy once more: its endpoints and identifiers become the outputs. */
export function describeCopyStep(after: readonly string[]): Step<RefreshContext> {
  return {
    name: 'describe-copy',
    title: 'Read the endpoints of the copy',
    side: 'destination',
    after,
    async run(ctx) {
      const copy = await readCopy(ctx)
      ctx.values.copy.set(copy)
      await markReady(ctx, copy.arn)
    },
  }
}

/** The copy as the outputs report it, read from the destination account. */
async function readCopy(ctx: RefreshContext): Promise<CopyResult> {
  const rds = ctx.destination.clients.rds
  const name = ctx.names.target
  const origin = {
    name,
    method: ctx.method,
    created: true,
    expiresAt: ctx.expiresAt,
    masterUserSecretArn: ctx.values.masterUserSecretArn.peek(),
  }
  if (ctx.copyKind === 'instance') {
    const instance = (await findInstance(rds, name)) ?? copyGone(ctx)
    return copyResult({ instance }, origin)
  }
  const cluster = (await findCluster(rds, name)) ?? copyGone(ctx)
  return copyResult({ cluster }, origin)
}

function copyGone(ctx: RefreshContext): never {
  throw new ActionError({
    summary: `The copy ${ctx.names.target} is gone`,
    side: 'destination',
    accountId: ctx.destination.accountId,
  })
}

/**
 * The copy is finished: its state tag turns from `building` to `ready`, so a concurrent
 * `if-exists: reuse` run adopts it only now, never half-made (no password, no instances yet).
 */
async function markReady(ctx: RefreshContext, arn: string): Promise<void> {
  if (!arn) return
  await addTags(ctx.destination.clients.rds, arn, [{ Key: TagKeys.state, Value: CopyState.ready }])
}
