// The stock page: batches, allocations, products and live activity. Helpers are in common.js.
const state = { sku: '' };

const describeReallocations = (batch) => {
  if (batch.reallocations.length === 0) return 'No order lines had to move.';
  const moves = batch.reallocations.map((r) =>
    r.outcome === 'reallocated'
      ? `order ${r.orderId} (${r.quantity} × ${r.sku}) moved to ${r.to.map((p) => p.batchReference).join(', ')}`
      : `order ${r.orderId} (${r.quantity} × ${r.sku}) is backordered until stock arrives`,
  );
  return `Lines that had to leave it: ${moves.join('; ')}.`;
};

/** A preview's reallocations, said before the change: what will happen to each line. */
const foretell = (preview) => {
  if (preview.reallocations.length === 0) return 'No order line will have to move.';
  const fates = preview.reallocations.map((r) =>
    r.outcome === 'reallocated'
      ? `order ${r.orderId} (${r.quantity} × ${r.sku}) will move to ${r.to.map((p) => p.batchReference).join(', ')}`
      : `order ${r.orderId} (${r.quantity} × ${r.sku}) will be backordered`,
  );
  const waiting = preview.reallocations.filter((r) => r.outcome === 'backordered').length;
  return `${sentence(fates.join('; '))}${waiting > 0 ? ` (${count(waiting, 'line')} backordered in all.)` : ''}`;
};

/**
 * Each batch's editor, kept across renders of the table: a refresh moves the same form into the
 * new row, so what is being typed (value, caret, focus) is never touched. It acts on the batch
 * as the table last showed it.
 */
const editors = new Map();

const editorFor = (batch) => {
  const kept = editors.get(batch.reference);
  if (kept !== undefined) {
    kept.shown = batch;
    if (!kept.dirty()) kept.input.value = String(batch.purchasedQuantity);
    return kept.form;
  }
  const editor = quantityEditor(batch);
  editors.set(batch.reference, editor);
  return editor.form;
};

const quantityEditor = (shownFirst) => {
  const editor = { shown: shownFirst };
  const batch = {
    get reference() {
      return editor.shown.reference;
    },
    get allocatedQuantity() {
      return editor.shown.allocatedQuantity;
    },
  };
  const form = document.createElement('form');
  form.className = 'actions';
  const input = document.createElement('input');
  input.type = 'number';
  input.min = '0';
  input.step = '1';
  input.required = true;
  input.value = String(shownFirst.purchasedQuantity);
  input.setAttribute('aria-label', `New quantity for ${batch.reference}`);
  const save = document.createElement('button');
  save.type = 'submit';
  save.textContent = 'Save';
  save.setAttribute('aria-label', `Save quantity of ${batch.reference}`);
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.textContent = 'Delete';
  remove.setAttribute('aria-label', `Delete ${batch.reference}`);
  form.append(input, save, remove);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    act(form, async () => {
      const path = `/api/batches/${encodeURIComponent(batch.reference)}`;
      // Shrinking below what is allocated moves lines: say which, and where, before doing it.
      if (Number(input.value) < batch.allocatedQuantity) {
        const preview = await call('GET', `${path}/preview?quantity=${Number(input.value)}`);
        const question = `Set batch ${batch.reference} to ${Number(input.value)}? ${foretell(preview)}`;
        if (preview.reallocations.length > 0 && !window.confirm(question)) {
          show(`Batch ${batch.reference} was not changed.`);
          return;
        }
      }
      const changed = await call('PATCH', path, { quantity: Number(input.value) });
      await loadBatches();
      show(
        `Batch ${changed.reference} now holds ${changed.purchasedQuantity}. ${describeReallocations(changed)}`,
      );
    });
  });
  remove.addEventListener('click', () =>
    act(form, async () => {
      const path = `/api/batches/${encodeURIComponent(batch.reference)}`;
      const preview = await call('GET', `${path}/preview?remove=true`);
      if (!window.confirm(`Delete batch ${batch.reference}? ${foretell(preview)}`)) {
        show(`Batch ${batch.reference} was not deleted.`);
        return;
      }
      // What became of its lines is told by the events of the same change, on the live stream.
      const told = eventsUntilRemoved(batch.reference);
      await call('DELETE', `/api/batches/${encodeURIComponent(batch.reference)}`);
      await loadBatches();
      const events = await told;
      show(`Batch ${batch.reference} deleted. ${describeRemoval(batch.reference, events)}`);
    }),
  );
  // Typed into since the table last showed the batch's quantity.
  const dirty = () => input.value !== String(editor.shown.purchasedQuantity);
  return Object.assign(editor, { form, input, dirty });
};

/** Stream listeners: each is given every event the page hears. */
const listeners = new Set();

/**
 * The events heard until the batch's `BatchRemoved` and the rest of that change (which the
 * stream delivers together), or whatever came within a few seconds if the stream is down.
 */
const eventsUntilRemoved = (reference) =>
  new Promise((resolve) => {
    const heard = [];
    let settle;
    const finish = () => {
      listeners.delete(listen);
      resolve(heard);
    };
    const listen = (event) => {
      heard.push(event);
      if (event.type === 'BatchRemoved' && event.data.reference === reference) {
        settle = setTimeout(finish, 200);
      } else if (settle !== undefined) {
        clearTimeout(settle);
        settle = setTimeout(finish, 200);
      }
    };
    listeners.add(listen);
    setTimeout(finish, 5_000);
  });

/** The lines a removed batch let go, and where each ended: another batch, or the queue. */
const describeRemoval = (reference, events) => {
  const released = events.filter(
    (e) =>
      e.type === 'Deallocated' &&
      e.data.reason === 'BatchRemoved' &&
      e.data.portions.some((p) => p.batchReference === reference),
  );
  if (released.length === 0) {
    return events.some((e) => e.type === 'BatchRemoved' && e.data.reference === reference)
      ? 'It held no allocated lines.'
      : 'Its lines moved to other batches where stock allowed, or wait as backorders (see Activity).';
  }
  const fates = released.map(({ data }) => {
    const to = events
      .filter((e) => e.type === 'Allocated' && e.data.orderId === data.orderId)
      .map((e) => e.data.batchReference);
    return to.length > 0
      ? `order ${data.orderId} (${data.quantity} × ${data.sku}) moved to ${to.join(', ')}`
      : `order ${data.orderId} (${data.quantity} × ${data.sku}) is backordered until stock arrives`;
  });
  return `Lines that had to leave it: ${fates.join('; ')}.`;
};

/** Each load's number: an answer overtaken by a later load is not shown. */
let loads = 0;

const loadBatches = async () => {
  const query = new URLSearchParams(batchPager.query());
  if (state.sku) query.set('sku', state.sku);
  const mine = ++loads;
  const page = await call('GET', `/api/batches?${query}`);
  if (mine !== loads) return;
  if (!batchPager.show(page)) return loadBatches();
  const table = document.getElementById('batch-table');
  const cells = (b) => [
    b.reference,
    b.sku,
    b.eta,
    b.purchasedQuantity,
    b.allocatedQuantity,
    b.availableQuantity,
  ];
  const rows = [...table.tBodies[0].rows];
  const sameRows =
    rows.length === page.items.length &&
    rows.every((row, i) => row.dataset.reference === page.items[i].reference);
  if (sameRows) {
    // The same batches: their figures change in place, so nothing being typed moves or blurs.
    rows.forEach((row, i) => {
      const batch = page.items[i];
      cells(batch).forEach((value, j) => {
        row.cells[j].textContent = value === null || value === undefined ? '—' : String(value);
      });
      editorFor(batch);
    });
  } else {
    // Other rows (a filter, a batch added or removed): the kept editors move into the new
    // rows, and the one being typed in keeps the focus.
    const typing = table.contains(document.activeElement) ? document.activeElement : null;
    fillTable(
      table,
      page.items.map((b) => [...cells(b), editorFor(b)]),
    );
    [...table.tBodies[0].rows].forEach((row, i) => {
      row.dataset.reference = page.items[i].reference;
    });
    if (typing !== null && table.contains(typing)) typing.focus();
  }
  // Editors of batches no longer shown go (their typing with them).
  const shown = new Set(page.items.map((b) => b.reference));
  for (const reference of editors.keys()) if (!shown.has(reference)) editors.delete(reference);
};

const onSubmit = (id, handler) =>
  document.getElementById(id).addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.target;
    act(form, () => handler(new FormData(form), form));
  });

onSubmit('batch-form', async (form, element) => {
  const batch = await call('POST', '/api/batches', {
    reference: form.get('reference'),
    sku: form.get('sku'),
    quantity: Number(form.get('quantity')),
    eta: form.get('eta') || null,
  });
  element.reset();
  await loadBatches();
  show(`Batch ${batch.reference} added: ${batch.purchasedQuantity} × ${batch.sku}.`);
});

onSubmit('allocate-form', async (form, element) => {
  const allocation = await call('POST', '/api/allocations', {
    orderId: form.get('orderId'),
    sku: form.get('sku'),
    quantity: Number(form.get('quantity')),
    allowSplit: form.get('allowSplit') === 'on',
  });
  element.reset();
  const where = allocation.allocations
    .map((a) => `${a.quantity} from ${a.batchReference}`)
    .join(', ');
  await loadBatches();
  show(
    `Order ${allocation.orderId}: ${allocation.quantity} × ${allocation.sku} allocated (${where}).`,
  );
});

onSubmit('order-form', async (form) => {
  const orderId = form.get('orderId');
  const table = document.getElementById('order-table');
  table.hidden = true;
  const rows = await call('GET', `/api/allocations/${encodeURIComponent(orderId)}`);
  fillTable(
    table,
    rows.map((r) => [r.sku, r.batchReference ?? 'backordered: waiting for stock', r.quantity]),
  );
  table.hidden = false;
  // The order id stays, ready for "Deallocate order".
  const waiting = rows.filter((r) => r.status === 'backordered').length;
  show(
    `Order ${orderId} has ${count(rows.length - waiting, 'allocation')}` +
      (waiting > 0 ? ` and ${count(waiting, 'backordered line')}.` : '.'),
  );
});

document.getElementById('deallocate').addEventListener('click', () => {
  const form = document.getElementById('order-form');
  const orderId = new FormData(form).get('orderId');
  if (!orderId) return show('Enter an order id first.', true);
  if (!window.confirm(`Deallocate order ${orderId}? Its stock goes back to its batches.`)) return;
  act(document.getElementById('deallocate'), async () => {
    await call('DELETE', `/api/allocations/${encodeURIComponent(orderId)}`);
    document.getElementById('order-table').hidden = true;
    form.reset();
    await loadBatches();
    show(`Order ${orderId} deallocated.`);
  });
});

onSubmit('product-form', async (form) => {
  const view = document.getElementById('product-view');
  view.hidden = true;
  const product = await call('GET', `/api/products/${encodeURIComponent(form.get('sku'))}`);
  document.getElementById('product-version').textContent = String(product.version);
  document.getElementById('product-available').textContent = String(product.availableQuantity);
  // The queue in serving order, each line with its place.
  const queue = document.getElementById('product-backorders');
  if (product.backorders.length === 0) queue.textContent = 'none';
  else {
    const list = document.createElement('ol');
    list.className = 'queue';
    for (const b of product.backorders) {
      const item = document.createElement('li');
      item.textContent = `order ${b.orderId}: ${count(b.quantity, 'unit')}`;
      list.append(item);
    }
    queue.replaceChildren(list);
  }
  document.getElementById('product-chart-summary').textContent = drawStockChart(
    document.getElementById('product-chart'),
    product,
  );
  fillTable(
    document.getElementById('product-table'),
    product.batches.map((b) => [
      b.reference,
      b.eta,
      b.purchasedQuantity,
      b.allocatedQuantity,
      b.availableQuantity,
    ]),
  );
  view.hidden = false;
  show(`Product ${product.sku}: ${product.availableQuantity} available.`);
});

onSubmit('filter-form', async (form) => {
  state.sku = String(form.get('sku') ?? '').trim();
  batchPager.page = 1;
  await loadBatches();
});

const batchPager = makePager({
  previous: 'previous-page',
  next: 'next-page',
  info: 'page-info',
  noun: 'batches',
  pageSize: 50,
  load: () => loadBatches(),
});

/** Activity: every event the service commits, live, newest first. */
const ACTIVITY_LIMIT = 50;

const portionsOf = (data) =>
  data.portions.map((p) => `${p.quantity} from ${p.batchReference}`).join(', ');

const REASONS = {
  Requested: 'on request',
  BatchShrunk: 'its batch shrank',
  BatchRemoved: 'its batch was removed',
};

const describeEvent = ({ type, data }) => {
  switch (type) {
    case 'BatchCreated':
      return `Batch ${data.reference} added: ${data.quantity} × ${data.sku}${data.eta ? `, due ${data.eta}` : ''}`;
    case 'BatchQuantityChanged':
      return `Batch ${data.reference} (${data.sku}) set to ${data.quantity}`;
    case 'BatchRemoved':
      return `Batch ${data.reference} (${data.sku}) removed`;
    case 'Allocated':
      return `Order ${data.orderId}: ${data.quantity} × ${data.sku} allocated from ${data.batchReference}`;
    case 'Deallocated':
      return `Order ${data.orderId}: ${data.quantity} × ${data.sku} deallocated (${REASONS[data.reason] ?? data.reason}; ${portionsOf(data)})`;
    case 'OutOfStock':
      return `Out of stock: order ${data.orderId} wanted ${data.quantity} × ${data.sku}`;
    case 'Backordered':
      return `Order ${data.orderId}: ${data.quantity} × ${data.sku} backordered until stock arrives`;
    case 'BackorderCancelled':
      return `Order ${data.orderId}: backorder of ${data.quantity} × ${data.sku} cancelled`;
    case 'OrderCreated':
      return `Order ${data.orderId} created for ${data.customerId}`;
    case 'ItemAdded':
      return `Order ${data.orderId}: ${data.quantity} × ${data.sku} added at ${formatMoney(data.unitPrice)}`;
    case 'ItemRemoved':
      return `Order ${data.orderId}: ${data.sku} removed`;
    case 'OrderPlaced':
      return `Order ${data.orderId} placed: ${data.lines.length} line${data.lines.length === 1 ? '' : 's'}, ${formatMoney(data.total)}`;
    case 'OrderCancelled':
      return `Order ${data.orderId} cancelled`;
    case 'OrderShipped':
      return `Order ${data.orderId} shipped`;
    case 'Shipped':
      return `Order ${data.orderId}: ${data.quantity} × ${data.sku} shipped from ${data.batchReference} (pick list ${data.pickListId})`;
    case 'PickListCreated': {
      const units = data.batches.reduce((sum, b) => sum + b.quantity, 0);
      return `Pick list ${data.pickListId} made: ${count(units, 'unit')} from ${count(data.batches.length, 'batch', 'batches')}`;
    }
    case 'PickListConfirmed': {
      const units = data.shipped.reduce((sum, line) => sum + line.quantity, 0);
      return `Pick list ${data.pickListId} confirmed: ${count(units, 'unit')} shipped`;
    }
    case 'PickListCancelled':
      return `Pick list ${data.pickListId} cancelled: its lines are free to pick again`;
    default:
      // A kind of event this page does not know yet: its name, in words.
      return type.replace(/([a-z])([A-Z])/g, '$1 $2');
  }
};

const activity = document.getElementById('activity');
const activityState = document.getElementById('activity-state');
let refreshTimer;

const addActivity = (event) => {
  const item = document.createElement('li');
  item.className = `event event-${event.type}`;
  const time = document.createElement('time');
  time.dateTime = event.occurredAt;
  time.textContent = new Date(event.occurredAt).toLocaleTimeString();
  const text = document.createElement('span');
  text.textContent = describeEvent(event);
  item.append(time, text);
  activity.prepend(item);
  while (activity.children.length > ACTIVITY_LIMIT) activity.lastElementChild.remove();
  document.getElementById('activity-empty').hidden = true;
  scheduleRefresh(300);
};

/** Someone changed stock: the batch table follows, once per burst, keeping what is typed. */
const scheduleRefresh = (ms) => {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => attempt(loadBatches), ms);
};

const followActivity = () => {
  // The browser reconnects on its own and resumes after the last event id it saw.
  const source = new EventSource(streamUrl('/api/events/stream'));
  source.addEventListener('open', () => {
    activityState.textContent = 'live';
    activityState.className = 'live-state live';
  });
  source.addEventListener('error', () => {
    activityState.textContent = 'reconnecting…';
    activityState.className = 'live-state';
  });
  source.addEventListener('message', (message) => {
    const event = JSON.parse(message.data);
    addActivity(event);
    for (const listen of listeners) listen(event);
  });
};

followActivity();
attempt(loadBatches);
