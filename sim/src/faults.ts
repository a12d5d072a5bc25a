/**
 * Fault injection, applied after a request is authenticated and validated and before its handler
 * runs: a per-account token bucket per service (real or simulated time), seeded random internal errors, and
 * named calls failing with named errors a number of times.
 */
import {
  AwsError,
  type Faults,
  type NetworkFault,
  type RequestLogEntry,
  type ServiceName,
} from './core/types.ts'

/** RDS API limits per account and Region: a 300-request burst, refilled at 12 per second. */
export const RDS_THROTTLE = { ratePerSecond: 12, burst: 300 } as const

export type FaultKind = NonNullable<RequestLogEntry['fault']>

export interface FaultInjector {
  /** The fault this call meets, if any (consumes a token and a random draw). */
  check(call: {
    service: ServiceName
    operation: string
    account?: string
    input?: Readonly<Record<string, unknown>>
  }): { error: AwsError; kind: FaultKind } | undefined
  /** The network fault this call meets, if any (counts against the fault's `times`). */
  network(call: { operation: string; account?: string }): NetworkFault | undefined
  /** Replaces the faults; buckets, counters and the random sequence start afresh. */
  set(faults: Faults): void
}

/** Each service's own throttling and internal-error answers (RAM's are modeled: 429 and 500). */
const throttleErrors: Record<ServiceName, () => AwsError> = {
  rds: () => new AwsError('Throttling', 'Rate exceeded', 400),
  sts: () => new AwsError('Throttling', 'Rate exceeded', 400),
  kms: () => new AwsError('ThrottlingException', 'Rate exceeded', 400),
  ram: () => new AwsError('ThrottlingException', 'Rate exceeded', 429),
}

/** RDS's own wording of an internal failure. */
export const internalMessage =
  'The request processing has failed because of an unknown error, exception or failure.'
const internalErrors: Record<ServiceName, () => AwsError> = {
  rds: () => new AwsError('InternalFailure', internalMessage, 500),
  sts: () => new AwsError('InternalFailure', internalMessage, 500),
  kms: () => new AwsError('KMSInternalException', internalMessage, 500),
  ram: () => new AwsError('ServerInternalException', internalMessage, 500),
}

/** mulberry32: small, fast, repeatable. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function createFaultInjector(
  initial: Faults,
  clocks: { readonly realNow?: () => number; readonly simulatedNow?: () => number } = {},
): FaultInjector {
  const realNow = clocks.realNow ?? Date.now
  const simulatedNow = clocks.simulatedNow ?? realNow
  let faults = initial
  let random = seededRandom(initial.seed ?? 1)
  let buckets = new Map<string, { tokens: number; at: number }>()
  let used: number[] = []
  let networkUsed: number[] = []

  const takeToken = (key: string): boolean => {
    const throttle = faults.throttle
    if (!throttle) return true
    const now = throttle.time === 'simulated' ? simulatedNow() : realNow()
    const bucket = buckets.get(key) ?? { tokens: throttle.burst, at: now }
    bucket.tokens = Math.min(
      throttle.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * throttle.ratePerSecond,
    )
    bucket.at = now
    buckets.set(key, bucket)
    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }

  return {
    set(next) {
      faults = next
      random = seededRandom(next.seed ?? 1)
      buckets = new Map()
      used = []
      networkUsed = []
    },
    network({ operation, account }) {
      for (const [index, fault] of (faults.networkFaults ?? []).entries()) {
        if (fault.operation !== operation) continue
        if (fault.account !== undefined && fault.account !== account) continue
        const count = networkUsed[index] ?? 0
        if (count >= (fault.times ?? Number.POSITIVE_INFINITY)) continue
        networkUsed[index] = count + 1
        return fault
      }
      return undefined
    },
    check({ service, operation, account, input }) {
      if (account !== undefined && !takeToken(`${account}/${service}`)) {
        return { error: throttleErrors[service](), kind: 'throttle' }
      }
      const calls = faults.failCalls ?? []
      for (const [index, call] of calls.entries()) {
        if (call.operation !== operation) continue
        if (call.account !== undefined && call.account !== account) continue
        if (call.input && !matchesInput(call.input, input)) continue
        const count = used[index] ?? 0
        if (count >= (call.times ?? Number.POSITIVE_INFINITY)) continue
        used[index] = count + 1
        const message = call.message ?? `Injected ${call.code} for ${operation}`
        return { error: new AwsError(call.code, message, call.status ?? 400), kind: 'injected' }
      }
      const rate = faults.internalErrorRate ?? 0
      if (rate > 0 && random() < rate) return { error: internalErrors[service](), kind: 'internal' }
      return undefined
    },
  }
}

/** Every member the fault names has that value in the request. */
function matchesInput(
  wanted: Readonly<Record<string, unknown>>,
  input: Readonly<Record<string, unknown>> | undefined,
): boolean {
  return Object.entries(wanted).every(([member, value]) => input?.[member] === value)
}
