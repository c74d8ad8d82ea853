// The web UI talks to the same REST API as every other client.
const statusLine = document.getElementById('status');

const show = (text, isError = false) => {
  statusLine.textContent = text;
  statusLine.className = isError ? 'error' : '';
};

const describeError = (body) =>
  Array.isArray(body.message) ? body.message.join('; ') : String(body.message ?? body.error);

const call = async (method, path, body) => {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const data = text === '' ? null : JSON.parse(text);
  if (!response.ok) throw new Error(`${response.status}: ${describeError(data)}`);
  return data;
};

const cell = (value) => {
  const td = document.createElement('td');
  td.textContent = value === null || value === undefined ? '—' : String(value);
  return td;
};

const fillTable = (table, rows) => {
  const body = table.querySelector('tbody');
  body.replaceChildren(
    ...rows.map((values) => {
      const tr = document.createElement('tr');
      tr.append(...values.map(cell));
      return tr;
    }),
  );
};

const loadBatches = async () => {
  const sku = new FormData(document.getElementById('filter-form')).get('sku');
  const query = sku ? `?sku=${encodeURIComponent(sku)}&pageSize=100` : '?pageSize=100';
  const page = await call('GET', `/api/batches${query}`);
  fillTable(
    document.getElementById('batch-table'),
    page.items.map((b) => [
      b.reference,
      b.sku,
      b.eta,
      b.purchasedQuantity,
      b.allocatedQuantity,
      b.availableQuantity,
    ]),
  );
  document.getElementById('batch-count').textContent =
    `${page.items.length} of ${page.total} batches`;
};

const onSubmit = (id, handler) =>
  document.getElementById(id).addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await handler(new FormData(event.target));
    } catch (error) {
      show(error.message, true);
    }
  });

onSubmit('batch-form', async (form) => {
  const batch = await call('POST', '/api/batches', {
    reference: form.get('reference'),
    sku: form.get('sku'),
    quantity: Number(form.get('quantity')),
    eta: form.get('eta') || null,
  });
  show(`Batch ${batch.reference} added: ${batch.purchasedQuantity} × ${batch.sku}`);
  await loadBatches();
});

onSubmit('allocate-form', async (form) => {
  const allocation = await call('POST', '/api/allocations', {
    orderId: form.get('orderId'),
    sku: form.get('sku'),
    quantity: Number(form.get('quantity')),
    allowSplit: form.get('allowSplit') === 'on',
  });
  const where = allocation.allocations
    .map((a) => `${a.quantity} from ${a.batchReference}`)
    .join(', ');
  show(
    `Order ${allocation.orderId}: ${allocation.quantity} × ${allocation.sku} allocated (${where})`,
  );
  await loadBatches();
});

onSubmit('order-form', async (form) => {
  const rows = await call('GET', `/api/allocations/${encodeURIComponent(form.get('orderId'))}`);
  const table = document.getElementById('order-table');
  fillTable(
    table,
    rows.map((r) => [r.sku, r.batchReference, r.quantity]),
  );
  table.hidden = false;
  show(`${rows.length} allocation(s) for order ${form.get('orderId')}`);
});

document.getElementById('deallocate').addEventListener('click', async () => {
  const orderId = new FormData(document.getElementById('order-form')).get('orderId');
  if (!orderId) return show('Enter an order id first', true);
  try {
    await call('DELETE', `/api/allocations/${encodeURIComponent(orderId)}`);
    document.getElementById('order-table').hidden = true;
    show(`Order ${orderId} deallocated`);
    await loadBatches();
  } catch (error) {
    show(error.message, true);
  }
});

onSubmit('filter-form', loadBatches);
loadBatches().catch((error) => show(error.message, true));
