import * as O from 'fp-ts/Option';
import type { Batch, BatchReference, CalendarDate, Sku } from '@allocation/allocation-domain';
import { InputError } from './csv-input';

interface BatchItem {
  reference: string;
  sku: string;
  eta: string | null;
  purchasedQuantity: number;
  allocatedQuantity: number;
  reservedQuantity: number;
}

interface BatchPage {
  items: BatchItem[];
  page: number;
  pageSize: number;
  total: number;
}

const PAGE_SIZE = 500;

/** Every batch of a running service, page by page through `GET /api/batches` (reads only). */
export const batchesFromService = async (
  base: string,
  fetchPage: (url: string) => Promise<Response> = (url) => fetch(url),
): Promise<Array<Omit<Batch, 'position'>>> => {
  let url: URL;
  try {
    url = new URL('/api/batches', base);
  } catch {
    throw new InputError(`--from ${base}: not a URL (expected e.g. http://localhost:3000)`);
  }
  const batches: Array<Omit<Batch, 'position'>> = [];
  for (let page = 1; ; page++) {
    url.search = `page=${page}&pageSize=${PAGE_SIZE}`;
    let response: Response;
    try {
      response = await fetchPage(url.toString());
    } catch (error) {
      const cause = (
        error as { cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> } }
      ).cause;
      const code = cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? String(error);
      throw new InputError(`--from ${base}: the service cannot be reached (${code})`);
    }
    if (!response.ok) {
      throw new InputError(`--from ${base}: GET ${url.pathname} answered ${response.status}`);
    }
    const body = (await response.json()) as BatchPage;
    for (const item of body.items) {
      batches.push({
        reference: item.reference as BatchReference,
        sku: item.sku as Sku,
        eta: O.fromNullable(item.eta as CalendarDate | null),
        purchasedQuantity: item.purchasedQuantity,
        allocatedQuantity: item.allocatedQuantity,
        reservedQuantity: item.reservedQuantity,
      });
    }
    if (batches.length >= body.total || body.items.length === 0) return batches;
  }
};
