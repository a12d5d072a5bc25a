import * as core from '@actions/core'
import type { Tag } from '@aws-sdk/client-rds'
import { readTags } from '../../aws/rds-read.js'
import type { Plan, Step, StepRuntime } from '../../engine/types.js'
import { runNames } from '../../names.js'
import { Purpose, TagKeys } from '../../tags.js'
import type { RefreshContext } from '../common/context.js'
import { requireManaged } from '../../aws/ownership.js'
import type { FoundTarget } from '../common/existing.js'
import { describeCopyStep } from '../common/finish.js'
import { buildPlan } from '../choose-method.js'
import { describedCluster, describedInstance, label, type Described } from './rename.js'
import { deleteManagedCopy, startCopyDeletion } from './retire.js'
import { swapStages, type SwapLayout } from './stages.js'
import { runSwap } from './swap.js'
import { swapNames, type SwapNames } from './swap-names.js'

/**
 * `if-exists: replace` when the target exists: the copy it holds, proven managed by its tags in
 * the destination account. Undefined when there is nothing to replace (the first run simply
 * creates the target). An unmanaged target is refused before anything is created.
 */
export async function findReplaceTarget(
  ctx: RefreshContext,
  existing: FoundTarget | undefined,
): Promise<Described | undefined> {
  if (ctx.settings.ifExists !== 'replace') return undefined
  const target = ctx.names.target
  const found = existing?.cluster
    ? describedCluster(existing.cluster)
    : existing?.instance
      ? describedInstance(existing.instance)
      : undefined
  if (!found) {
    core.info(`${target} does not exist yet: if-exists: replace creates it`)
    return undefined
  }
  requireManaged({
    target,
    tags: await readTags(ctx.destination.clients.rds, found.arn),
    where: { resource: found.arn, side: 'destination', accountId: ctx.destination.accountId },
    purpose: 'replace',
  })
  core.info(
    `Replacing ${label(found.kind)} ${target} (resource ${found.resourceId}, ${found.status}); replace-strategy: ${ctx.settings.replaceStrategy}`,
  )
  return found
}

/** The context and plan of a replace: the usual copy plan, framed by the swap or the deletion. */
export function replaceRun(
  ctx: RefreshContext,
  old: Described,
): { ctx: RefreshContext; plan: Plan<RefreshContext> } {
  const names = swapNames(ctx.names.target, ctx.settings.run)
  const tags = withTags(ctx.tags, [
    { Key: TagKeys.target, Value: names.target },
    { Key: TagKeys.purpose, Value: Purpose.copy },
  ])
  if (ctx.settings.replaceStrategy === 'delete-first') {
    const runCtx = { ...ctx, tags }
    return { ctx: runCtx, plan: deleteFirstPlan(buildPlan(runCtx), old) }
  }
  // The new copy is built under the staging name; its instances take names.ts's derivation of it.
  const runCtx = { ...ctx, tags, names: runNames(names.staging, ctx.settings.run) }
  return { ctx: runCtx, plan: swapPlan(buildPlan(runCtx), { old, names }) }
}

/** Tags with `extra` set, replacing any tag of the same key. */
function withTags(tags: readonly Tag[], extra: readonly Tag[]): Tag[] {
  const keys = new Set(extra.map((t) => t.Key))
  return [...tags.filter((t) => !keys.has(t.Key)), ...extra]
}

/** The context seen under the target name: what the copy is called once it is in place. */
function asTarget(ctx: RefreshContext, names: SwapNames): RefreshContext {
  return { ...ctx, names: runNames(names.target, ctx.settings.run) }
}

function swapPlan(
  base: Plan<RefreshContext>,
  options: { old: Described; names: SwapNames },
): Plan<RefreshContext> {
  const { names } = options
  const swapped: { retired?: Described } = {}
  const built = base.steps.map((s) => s.name)
  const swap: Step<RefreshContext> = {
    name: 'swap-into-place',
    title: `Swap the new copy into ${names.target} by renames (old copy → ${names.retired}, new copy ${names.staging} → ${names.target})`,
    side: 'destination',
    after: built,
    async run(ctx, runtime) {
      const stages = await swapStages(ctx, { names, old: options.old })
      await runSwap(ctx, runtime, {
        stages: stages.stages,
        target: {
          kind: stages.newCopy.kind,
          name: names.target,
          previous: stages.old?.resourceId,
          next: stages.newCopy.resourceId,
        },
      })
      handOver(runtime, { ctx, names, stages })
      swapped.retired = stages.old && { ...stages.old, identifier: names.retired }
      runtime.note(
        stages.old
          ? `${names.target} now serves ${stages.newCopy.resourceId}`
          : `${names.target} was gone; the new copy took the name`,
      )
    },
  }
  const describe = describeCopyStep([swap.name])
  const describeReplaced: Step<RefreshContext> = {
    ...describe,
    name: 'describe-replaced-copy',
    title: `Read the endpoints of ${names.target}, now the new copy`,
    run: (ctx, runtime) => describe.run(asTarget(ctx, names), runtime),
  }
  const retire: Step<RefreshContext> = {
    name: 'delete-old-copy',
    title: `Start deleting the old copy, renamed ${names.retired} (readers, writer, then the cluster); the post step waits until AWS has removed it`,
    side: 'destination',
    after: [swap.name],
    async run(ctx, runtime) {
      const old = swapped.retired
      if (!old) {
        runtime.note('nothing to delete')
        return
      }
      await retireOldCopy(ctx, runtime, { old, target: names.target })
    },
  }
  return {
    description: `${base.description} → swap into ${names.target} by renames → start deleting the old copy (awaited by the post step)`,
    steps: [...base.steps, swap, describeReplaced, retire],
  }
}

/**
 * After the swap the new copy is the target: the ledger no longer lists it under its staging
 * names (a failed run after this point must never remove the target), and it lists the old copy
 * as retired, so the post step waits for its deletion, and deletes it if this run could not.
 */
function handOver(
  runtime: StepRuntime,
  options: {
    ctx: RefreshContext
    names: SwapNames
    stages: SwapLayout
  },
): void {
  const { names, stages } = options
  runtime.release({ kind: 'db-cluster', side: 'destination', id: names.staging })
  runtime.release({ kind: 'db-instance', side: 'destination', id: names.staging })
  for (const member of stages.newMembers) {
    runtime.release({ kind: 'db-instance', side: 'destination', id: member })
  }
  if (stages.old) {
    runtime.record({
      kind: stages.old.kind === 'cluster' ? 'db-cluster' : 'db-instance',
      side: 'destination',
      id: names.retired,
      disposal: 'retired',
      // Made by an earlier run: the managed tag is its proof.
      proof: 'managed',
    })
  }
}

/**
 * The old copy's deletion is started here and awaited by the post step: the target already
 * serves the new copy, so neither the outputs nor the run's success wait minutes for AWS to
 * remove the old one. Starting it is seconds of calls; a failure is a warning (the post step
 * tries again) and never touches the new copy.
 */
async function retireOldCopy(
  ctx: RefreshContext,
  runtime: StepRuntime,
  { old, target }: { old: Described; target: string },
): Promise<void> {
  try {
    const started = await startCopyDeletion(ctx, runtime, old, { retire: true })
    // Its Aurora instances too: the post step waits until each of them is gone as well.
    for (const id of started?.members ?? []) {
      runtime.record({
        kind: 'db-instance',
        side: 'destination',
        id,
        disposal: 'retired',
        proof: 'managed',
      })
    }
  } catch (error) {
    if (runtime.signal.aborted) throw error
    const message = error instanceof Error ? error.message : String(error)
    runtime.log.warning(
      `The old copy ${old.identifier} could not be deleted; ${target} serves the new copy all the same. The post step tries again and waits for the deletion; if it cannot, it reports the command to delete it, and operation: sweep removes it by its ${TagKeys.purpose}=${Purpose.retired} tag. ${message}`,
    )
    runtime.note(`old copy ${old.identifier} NOT deleted`)
    return
  }
  runtime.note(`deleting ${old.identifier}; the post step waits until AWS has removed it`)
}

/**
 * `replace-strategy: delete-first`: the old copy is deleted before the new one is built under
 * the target name, which stays empty meanwhile. The log and the summary say so.
 */
function deleteFirstPlan(base: Plan<RefreshContext>, old: Described): Plan<RefreshContext> {
  let emptySince: number | undefined
  const first: Step<RefreshContext> = {
    name: 'delete-old-first',
    title: `Delete the old copy ${old.identifier} first (replace-strategy: delete-first: the name is empty until the new copy is available)`,
    side: 'destination',
    async run(ctx, runtime) {
      runtime.log.warning(
        `replace-strategy: delete-first: ${old.identifier} is deleted now, and the name ${old.identifier} answers nothing until the new copy is available (downtime accepted by the workflow).`,
      )
      emptySince = Date.now()
      await deleteManagedCopy(ctx, runtime, old)
      runtime.note(`${old.identifier} empty from ${new Date(emptySince).toISOString()}`)
    },
  }
  const steps = base.steps.map((step) => {
    const rooted = (step.after ?? []).length === 0 ? { ...step, after: [first.name] } : step
    if (step.name !== 'describe-copy') return rooted
    return {
      ...rooted,
      async run(ctx: RefreshContext, runtime: StepRuntime) {
        await step.run(ctx, runtime)
        const seconds = Math.round((Date.now() - (emptySince ?? Date.now())) / 1000)
        runtime.log.info(
          `${old.identifier} answers again, as the new copy, after ${seconds}s empty`,
        )
        runtime.note(`${old.identifier} was empty for ${seconds}s`)
      },
    }
  })
  return {
    description: `delete the old copy first (downtime) → ${base.description}`,
    steps: [first, ...steps],
  }
}
