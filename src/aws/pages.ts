/** Every item of every page an SDK paginator yields, in order. */
export async function allItems<Page, Item>(
  pages: AsyncIterable<Page>,
  itemsOf: (page: Page) => readonly Item[] | undefined,
): Promise<Item[]> {
  const found: Item[] = []
  for await (const page of pages) found.push(...(itemsOf(page) ?? []))
  return found
}
