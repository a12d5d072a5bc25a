/**
 * The local AWS simulator: `startSimulator()` builds a world from a fixture (accounts, roles,
 * keys, resources) and serves RDS, STS, KMS and RAM on one 127.0.0.1 endpoint, plus stand-ins for
 * GitHub's OIDC token endpoint and the pull request comments of its REST API.
 */
import type {
  AccountInfo,
  Faults,
  Fixture,
  RequestLogEntry,
  ServiceEnv,
  Timeline,
  World,
} from './core/types.ts'
import { createClock } from './clock.ts'
import { createFaultInjector } from './faults.ts'
import { createAuthorizer, type Authorizer } from './iam/authorizer.ts'
import { createIdentityStore, type Session } from './identity.ts'
import { createRequestLog } from './log.ts'
import { createOidcIssuer, type Claims } from './oidc.ts'
import { createGitHubApi, githubApiPath, type GitHubApi } from './github.ts'
import { createScenario, type ScenarioOptions } from './scenario.ts'
import { listen, oidcTokenPath } from './server.ts'
import type { ResourceFixture } from './services/fixture.ts'
// Resolves to sim-services' factory once it lands (a placeholder answers no operation until then).
import { createServices, type Services } from './services/index.ts'
import { createStsHandlers } from './services/sts.ts'
import { createTimeline } from './timeline.ts'

export { defaultDurations } from './scenario.ts'
export { RDS_THROTTLE } from './faults.ts'
export { signRequest } from './sigv4.ts'
export type { Session } from './identity.ts'

export interface SimulatorOptions {
  readonly fixture: Fixture<ResourceFixture>
  readonly scenario?: ScenarioOptions
  /** 0 (default) picks a free port. */
  readonly port?: number
  /** The services factory; default: sim/src/services/index.ts. */
  readonly services?: (env: ServiceEnv) => Services
}

export interface Simulator {
  /** Base URL: pass as `endpoint` to every AWS SDK client. */
  readonly url: string
  readonly region: string
  readonly oidc: {
    /** `ACTIONS_ID_TOKEN_REQUEST_URL` (already holds a `?`, as GitHub's does). */
    readonly requestUrl: string
    /** `ACTIONS_ID_TOKEN_REQUEST_TOKEN`. */
    readonly requestToken: string
    /** Overrides claims (sub, repository, ref, …) of tokens issued from now on. */
    claims(overrides: Claims): void
  }
  /** The GitHub REST API stand-in: `apiUrl` is the runner's `GITHUB_API_URL`. */
  readonly github: GitHubApi & { readonly apiUrl: string }
  readonly requests: readonly RequestLogEntry[]
  readonly timeline: Timeline
  /** Everything that exists in `account`, by resource type. */
  inventory(account: string): Record<string, unknown[]>
  /** Every session STS issued, in order, with its keys (tests check what was masked). */
  sessions(): readonly Session[]
  readonly world: World
  /** IAM as the simulator enforced it: every allowed check with its statement, every refusal. */
  readonly iam: Pick<Authorizer, 'usage' | 'denials' | 'setRolePolicies'>
  /** Replaces the faults from now on (buckets, counters and random sequence restart). */
  setFaults(faults: Faults): void
  close(): Promise<void>
}

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const { fixture } = options
  const scenario = { ...createScenario(options.scenario) }
  const clock = createClock({ scale: scenario.clockScale })
  const timeline = createTimeline()
  const accounts = new Map<string, AccountInfo>(
    fixture.accounts.map((account) => [
      account.id,
      {
        id: account.id,
        name: account.name,
        ...(account.organizationId !== undefined && { organizationId: account.organizationId }),
      },
    ]),
  )
  const env: ServiceEnv = { region: fixture.region, clock, timeline, accounts, scenario }
  const services = (options.services ?? createServices)(env)
  services.seed(fixture.resources)
  const world: World = { ...env, kms: services.kms, ram: services.ram }
  const identity = createIdentityStore(fixture.accounts)
  const oidc = createOidcIssuer({ credentialTimeScale: scenario.credentialTimeScale })
  const github = createGitHubApi()
  const faults = createFaultInjector(scenario.faults, { simulatedNow: clock.now })
  const log = createRequestLog(clock)
  const sts = createStsHandlers({
    accounts: fixture.accounts,
    identity,
    oidc,
    credentialTimeScale: scenario.credentialTimeScale,
    sessionOf: (ctx) =>
      ctx.accessKeyId === undefined ? undefined : identity.session(ctx.accessKeyId),
  })
  const handlers = { ...services.handlers, sts }
  const authorizer = createAuthorizer({
    accounts: fixture.accounts,
    region: fixture.region,
    resources: services.iam,
    kms: services.kms,
  })
  const { server, url } = await listen(
    { world, handlers, identity, oidc, github, faults, log, authorizer },
    options.port ?? 0,
  )

  return {
    url,
    region: fixture.region,
    oidc: {
      requestUrl: `${url}${oidcTokenPath}?api-version=2.0`,
      requestToken: oidc.requestToken,
      claims: (overrides) => oidc.setClaims(overrides),
    },
    github: Object.assign(github, { apiUrl: `${url}${githubApiPath}` }),
    requests: log.entries,
    timeline,
    inventory: (account) => services.inventory(account),
    sessions: () => identity.sessions(),
    world,
    iam: {
      usage: authorizer.usage,
      denials: authorizer.denials,
      setRolePolicies: (arn, policies) => authorizer.setRolePolicies(arn, policies),
    },
    setFaults(next) {
      scenario.faults = next
      faults.set(next)
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}
