/**
 * Runs the bundled action the way the GitHub runner does: `node dist/index.js` with INPUT_*
 * variables (defaults from action.yml), GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files
 * and the OIDC variables; then the post step with the saved state as STATE_* variables.
 * Used by the end-to-end tests, `npm run demo` and `npm run bench`.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

export interface StepRun {
  readonly exitCode: number
  /** Everything the step printed (stdout and stderr, interleaved as they came), unmasked. */
  readonly log: string
  /** The log as GitHub shows it: `::add-mask::` lines consumed, masked values shown as `***`. */
  readonly maskedLog: string
  /** Every value the step asked the runner to mask. */
  readonly secrets: readonly string[]
  readonly outputs: Record<string, string>
  readonly state: Record<string, string>
  readonly summary: string
  readonly durationMs: number
}

export interface ActionRun extends StepRun {
  readonly post?: StepRun
}

export interface RunOptions {
  /** Inputs by their action.yml names; unset inputs get action.yml's defaults, as on the runner. */
  readonly inputs: Readonly<Record<string, string>>
  /** Extra environment (OIDC variables, GITHUB_* values, ambient AWS keys). */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Run the post step afterwards (default true). */
  readonly post?: boolean
  /** Print the step's output as it comes (the demo does). */
  readonly echo?: boolean
  /** Send SIGINT to the main step after this many ms (the runner's cancel). */
  readonly cancelAfterMs?: number
  /** Send SIGINT to the main step as soon as this returns true (checked every 20 ms). */
  readonly cancelWhen?: () => boolean
  /**
   * Called with each step's process as it starts, e.g. to signal it when the simulator sees a
   * given call rather than after a delay (the safety suite).
   */
  readonly onSpawn?: (child: ChildProcess, step: 'main' | 'post') => void
  readonly entry?: string
}

/** action.yml's input defaults, as the runner passes them. */
export function inputDefaults(): Record<string, string> {
  const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>
  }
  return Object.fromEntries(
    Object.entries(action.inputs).map(([name, spec]) => [name, String(spec.default ?? '')]),
  )
}

/**
 * The bundle to run: `RDS_REFRESH_BUNDLE` (a folder, set by `npm test` to the build it just made)
 * or the committed dist/.
 */
export function bundleEntry(): string {
  return join(process.env.RDS_REFRESH_BUNDLE ?? join(ROOT, 'dist'), 'index.js')
}

export async function runAction(options: RunOptions): Promise<ActionRun> {
  const main = await runStep(options, {})
  if (options.post === false || !('isPost' in main.state)) return main
  const post = await runStep(
    { ...options, cancelAfterMs: undefined, cancelWhen: undefined },
    main.state,
  )
  return { ...main, post }
}

/** One step in its own temporary runner directory, removed once the step's files are read. */
async function runStep(options: RunOptions, savedState: Record<string, string>): Promise<StepRun> {
  const dir = mkdtempSync(join(tmpdir(), 'rds-refresh-step-'))
  try {
    return await runStepIn(dir, options, savedState)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function runStepIn(
  dir: string,
  options: RunOptions,
  savedState: Record<string, string>,
): Promise<StepRun> {
  const files = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
  }
  for (const file of Object.values(files)) writeFileSync(file, '')
  const inputs = { ...inputDefaults(), ...options.inputs }
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    RUNNER_TEMP: dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'acme/app',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKFLOW: 'refresh',
    GITHUB_SERVER_URL: 'https://github.com',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...(process.env.NODE_COMPILE_CACHE && { NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE }),
    ...files,
    ...Object.fromEntries(
      Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
    ),
    ...Object.fromEntries(
      Object.entries(savedState).map(([name, value]) => [`STATE_${name}`, value]),
    ),
  }
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name]
    else env[name] = value
  }

  const started = Date.now()
  const { exitCode, log } = await spawnNode(options.entry ?? bundleEntry(), env, {
    ...options,
    step: 'isPost' in savedState ? 'post' : 'main',
  })
  const masker = new Masker()
  const maskedLog = log
    .split('\n')
    .map((line) => masker.line(line))
    .filter((line): line is string => line !== undefined)
    .join('\n')
  return {
    exitCode,
    log,
    maskedLog,
    secrets: masker.secrets,
    outputs: parseCommandFile(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    state: parseCommandFile(readFileSync(files.GITHUB_STATE, 'utf8')),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    durationMs: Date.now() - started,
  }
}

function spawnNode(
  entry: string,
  env: Record<string, string>,
  options: RunOptions & { readonly step: 'main' | 'post' },
): Promise<{ exitCode: number; log: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [entry], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    options.onSpawn?.(child, options.step)
    let log = ''
    let pending = ''
    const masker = new Masker()
    const collect = (chunk: Buffer): void => {
      const text = chunk.toString()
      log += text
      if (!options.echo) return
      // Echo whole lines, masked as the runner masks them.
      const lines = (pending + text).split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) {
        const shown = masker.line(line)
        if (shown !== undefined) process.stdout.write(`${shown}\n`)
      }
    }
    child.stdout.on('data', collect)
    child.stderr.on('data', collect)
    const timer =
      options.cancelAfterMs === undefined
        ? undefined
        : setTimeout(() => child.kill('SIGINT'), options.cancelAfterMs)
    const { cancelWhen } = options
    const watch =
      cancelWhen === undefined
        ? undefined
        : setInterval(() => {
            if (!cancelWhen()) return
            clearInterval(watch)
            child.kill('SIGINT')
          }, 20)
    child.on('error', reject)
    child.on('close', (code) => {
      if (timer) clearTimeout(timer)
      if (watch) clearInterval(watch)
      resolvePromise({ exitCode: code ?? 1, log })
    })
  })
}

/**
 * The runner's masking: an `::add-mask::value` line is consumed and the value is replaced by
 * `***` in everything printed after it. Debug lines are hidden, as without step debug logging.
 */
class Masker {
  readonly secrets: string[] = []

  line(line: string): string | undefined {
    const mask = /^::add-mask::(.*)$/.exec(line)
    if (mask) {
      if (mask[1]) this.secrets.push(mask[1])
      return undefined
    }
    if (line.startsWith('::debug::')) return undefined
    return this.secrets.reduce((text, secret) => text.split(secret).join('***'), line)
  }
}

/** Parse the runner's `name<<DELIMITER\nvalue\nDELIMITER` files (GITHUB_OUTPUT, GITHUB_STATE). */
export function parseCommandFile(text: string): Record<string, string> {
  const result: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? '')
    if (!match) continue
    const [, name, delimiter] = match
    const value: string[] = []
    for (i += 1; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '')
    result[name as string] = value.join('\n')
  }
  return result
}
