/**
 * How steps' lines reach the log. GitHub folds a log into groups, which cannot nest or interleave,
 * while a plan runs independent steps side by side. So:
 * - a step running alone writes into its own group as it goes;
 * - while steps overlap, each one's lines are held back, and only its progress lines (start,
 *   status changes, heartbeats) and warnings appear at once, one line each with a `[step]` prefix;
 *   when it ends, everything it held back is printed as its group;
 * - when overlapping steps are down to one, that step's group opens with what it held back and
 *   goes on live.
 * Every line keeps its `[step]` prefix, so a line found by search still says whose it is.
 */
import type { AnnotationProperties } from '@actions/core'
import type { EngineOutput } from './engine.js'
import type { StepLog } from './types.js'

interface StepLines {
  readonly heading: string
  /** Lines held back while the step overlaps others; undefined while it writes live. */
  held?: string[]
  /** Part of its group was already printed: the next part says it continues. */
  continued: boolean
}

export class StepOutput {
  private readonly steps = new Map<string, StepLines>()
  /** The step whose group is open, if any. */
  private live: string | undefined

  constructor(private readonly output: EngineOutput) {}

  /** A step starts; `title` heads its group. */
  starting(name: string, title: string): void {
    const heading = `${name}: ${title}`
    if (this.steps.size === 0) {
      this.steps.set(name, { heading, continued: false })
      this.open(name)
      return
    }
    if (this.live !== undefined) {
      const current = this.steps.get(this.live)
      if (current) {
        current.held = []
        current.continued = true
      }
      this.close()
    }
    this.steps.set(name, { heading, held: [], continued: false })
  }

  /** A step ended: its held lines are printed as its group, then `closing` outside any group. */
  finished(name: string, closing: string): void {
    const step = this.steps.get(name)
    this.steps.delete(name)
    if (this.live === name) this.close()
    else if (step?.held && step.held.length > 0) this.printGroup(step)
    this.output.info(closing)
    const [remaining] = this.steps.keys()
    if (this.steps.size === 1 && remaining !== undefined) this.goLive(remaining)
  }

  /** The log a step writes to (every line prefixed with `[name]`). */
  logFor(name: string): StepLog {
    const prefix = `[${name}] `
    const title = `rds-refresh: ${name}`
    return {
      info: (message) => this.line(name, prefix + message, false),
      progress: (message) => this.line(name, prefix + message, true),
      warning: (message) => this.warning(prefix + message, { title }),
      debug: (message) => this.output.debug(prefix + message),
    }
  }

  /** A warning is an annotation: shown at once, whatever group is open. */
  private warning(message: string, properties: AnnotationProperties): void {
    this.output.warning(message, properties)
  }

  private line(name: string, text: string, progress: boolean): void {
    const held = this.steps.get(name)?.held
    if (held === undefined) {
      this.output.info(text)
      return
    }
    held.push(text)
    if (progress) this.output.info(text)
  }

  private goLive(name: string): void {
    const step = this.steps.get(name)
    if (!step) return
    this.open(name)
    for (const text of step.held ?? []) this.output.info(text)
    step.held = undefined
  }

  private printGroup(step: StepLines): void {
    this.output.startGroup(step.continued ? `${step.heading} (continued)` : step.heading)
    for (const text of step.held ?? []) this.output.info(text)
    this.output.endGroup()
  }

  private open(name: string): void {
    const step = this.steps.get(name)
    if (!step) return
    this.output.startGroup(step.continued ? `${step.heading} (continued)` : step.heading)
    this.live = name
  }

  private close(): void {
    if (this.live === undefined) return
    this.output.endGroup()
    this.live = undefined
  }
}
