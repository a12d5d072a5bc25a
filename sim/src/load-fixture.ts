/**
 * Loads a world from a module whose default (or `fixture`) export is a function returning a
 * Fixture; without a path, the production-like world of sim/fixtures/production.ts.
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Fixture } from './core/types.ts'
import type { ResourceFixture } from './services/fixture.ts'
import { productionFixture } from '../fixtures/production.ts'

export async function loadFixture(path: string | undefined): Promise<Fixture<ResourceFixture>> {
  if (path === undefined) return productionFixture()
  const module = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>
  const factory = module.default ?? module.fixture
  if (typeof factory !== 'function') throw new Error(`${path} exports no fixture function`)
  return await (factory as () => Fixture<ResourceFixture> | Promise<Fixture<ResourceFixture>>)()
}
