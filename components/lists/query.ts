// Next hands a page its query as string | string[]; the lists read one value per name.
export type PageSearchParams = Promise<Record<string, string | string[] | undefined>>;

export async function flatParams(searchParams: PageSearchParams, keys: readonly string[]): Promise<Record<string, string | undefined>> {
  const params = await searchParams;
  return Object.fromEntries(keys.map((k) => [k, (Array.isArray(params[k]) ? params[k][0] : params[k]) || undefined]));
}

export const toSearchParams = (values: Record<string, string | undefined>) =>
  new URLSearchParams(Object.entries(values).filter((e): e is [string, string] => !!e[1]));
