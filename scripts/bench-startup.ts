/**
 * Start-up: how long `node dist/index.js` takes from process start to its first request, beside a
 * minimal bundle of the same SDK stack (the same packages, bundled the same way by ncc) that asks
 * for its OIDC token as soon as it has loaded them. Both are launched in turn against one
 * simulator in the same bench run, so machine load hits them alike.
 */
import { execFileSync } from 'node:child_process'
import { symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Simulator } from '../sim/src/index.ts'
import { ROLE_ARNS } from '../sim/fixtures/production.ts'
import { readProbe } from './bench-measure.ts'
import { ROOT, runAction } from './local-runner.ts'

/** The action's first request is its OIDC token; the minimal bundle loads the stack, then asks. */
const MINIMAL_ENTRY = `import * as core from '@actions/core'
import { KMSClient } from '@aws-sdk/client-kms'
import { RAMClient } from '@aws-sdk/client-ram'
import { RDSClient } from '@aws-sdk/client-rds'
import { STSClient } from '@aws-sdk/client-sts'
import { fromWebToken } from '@aws-sdk/credential-providers'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { createWaiter } from '@smithy/util-waiter'

// Referenced, so the bundler keeps all of them, as the action's bundle does.
const stack = [core, KMSClient, RAMClient, RDSClient, STSClient, fromWebToken, NodeHttpHandler, createWaiter]
await core.getIDToken('sts.amazonaws.com')
process.exitCode = stack.length > 0 ? 0 : 1
`

/** Builds the minimal bundle with ncc in `dir`; returns its entry. */
export function buildMinimalBundle(dir: string): string {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }))
  writeFileSync(join(dir, 'index.mjs'), MINIMAL_ENTRY)
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'))
  execFileSync(
    join(ROOT, 'node_modules', '.bin', 'ncc'),
    ['build', join(dir, 'index.mjs'), '-o', join(dir, 'dist'), '--quiet'],
    { stdio: 'inherit' },
  )
  return join(dir, 'dist', 'index.mjs')
}

export interface StartupMeasure {
  /** Median ms from process start to the first request, the action's bundle. */
  readonly actionMs: number
  /** The same for the minimal bundle. */
  readonly minimalMs: number
}

/** Launches both bundles `times` times each, alternately; medians. */
export async function measureStartup(options: {
  readonly sim: Simulator
  readonly minimalEntry: string
  readonly probeModule: string
  readonly dir: string
  readonly times: number
}): Promise<StartupMeasure> {
  const action: number[] = []
  const minimal: number[] = []
  for (let i = 0; i < options.times; i++) {
    action.push(await firstRequestMs(options, undefined, `action-${i}`))
    minimal.push(await firstRequestMs(options, options.minimalEntry, `minimal-${i}`))
  }
  return { actionMs: median(action), minimalMs: median(minimal) }
}

async function firstRequestMs(
  options: { sim: Simulator; probeModule: string; dir: string },
  entry: string | undefined,
  name: string,
): Promise<number> {
  const { sim } = options
  const probeFile = join(options.dir, `${name}.json`)
  const seen = sim.requests.length
  await runAction({
    // A plan reads and changes nothing; the first request comes at the same point as in a refresh.
    inputs: {
      'aws-region': sim.region,
      'endpoint-url': sim.url,
      'source-role-arn': ROLE_ARNS.source,
      source: 'prod-aurora',
      target: 'startup',
      operation: 'plan',
    },
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: sim.oidc.requestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: sim.oidc.requestToken,
      NODE_OPTIONS: `--require ${options.probeModule}`,
      BENCH_PROBE_FILE: probeFile,
    },
    post: false,
    ...(entry !== undefined && { entry }),
  })
  const first = sim.requests[seen]
  if (!first) throw new Error(`${name}: no request reached the simulator`)
  return first.startedAt - readProbe(probeFile).timeOrigin
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}
