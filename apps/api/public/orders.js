// The orders page: create an order, add priced items, place it and watch each line's allocation
// arrive live; cancel. Helpers are in common.js and money.js.
const current = { orderId: null, placing: null };
const panel = document.getElementById('order-panel');

const describeAllocation = (allocation) => {
  if (allocation === null) return 'not placed';
  if (allocation.status === 'pending') return 'pending';
  if (allocation.status === 'backordered') return 'backordered: waiting for stock';
  const from = allocation.batches.map((b) => `${b.quantity} from ${b.batchReference}`).join(', ');
  return `${allocation.status === 'shipped' ? 'shipped' : 'allocated'}: ${from}`;
};

const removeButton = (order, item) => {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = 'Remove';
  button.setAttribute('aria-label', `Remove ${item.sku}`);
  button.disabled = order.status !== 'draft';
  button.addEventListener('click', () =>
    act(button, async () => {
      const path = `/api/orders/${encodeURIComponent(order.orderId)}/items/${encodeURIComponent(item.sku)}`;
      showOrder(await call('DELETE', path));
      show(`${item.sku} removed from order ${order.orderId}.`);
    }),
  );
  return button;
};

/** The open order's lines as one line of text: how many are allocated, how many wait. */
const placementText = (order) => {
  const statuses = order.items.map((item) => item.allocation?.status);
  const allocated = statuses.filter((s) => s === 'allocated').length;
  const waiting = statuses.filter((s) => s === 'backordered').length;
  return (
    `Order ${order.orderId}: ${count(allocated, 'line')} allocated` +
    (waiting > 0 ? `, ${count(waiting, 'line')} backordered until stock arrives.` : '.')
  );
};

const stateOf = (order) =>
  `${order.status}:${order.items.map((item) => item.allocation?.status).join(',')}`;

/** What the page last said of an order's allocation, and the order's state when it said it. */
let reported = null;

const report = (order, text) => {
  reported = { orderId: order.orderId, state: stateOf(order), text };
  show(text);
};

/**
 * Once every line of an order just placed is decided, the page says how it went; and while that
 * is still the page's last word, news of the order (stock for a waiting line, its shipment, its
 * cancellation elsewhere) replaces it, so the notice never contradicts the panel.
 */
const reportPlacement = (order) => {
  if (order.items.some((item) => item.allocation?.status === 'pending')) return;
  if (current.placing === order.orderId && order.status === 'placed') {
    current.placing = null;
    report(order, placementText(order));
    return;
  }
  const stillShown =
    reported?.orderId === order.orderId && statusLine.textContent === reported.text;
  if (!stillShown || stateOf(order) === reported.state) return;
  if (order.status === 'shipped') report(order, `Order ${order.orderId} shipped.`);
  else if (order.status === 'cancelled') report(order, `Order ${order.orderId} cancelled.`);
  else report(order, placementText(order));
};

/** Bumped each time the panel shows an order: an answer that comes late cannot undo a newer one. */
let shown = 0;

const showOrder = (order) => {
  shown += 1;
  current.orderId = order.orderId;
  document.getElementById('order-id').textContent = order.orderId;
  document.getElementById('order-customer').textContent = order.customerId;
  document.getElementById('order-status').textContent = order.status;
  document.getElementById('order-total').textContent = formatMoney(order.total);
  fillTable(
    document.getElementById('items-table'),
    order.items.map((item) => [
      item.sku,
      item.quantity,
      formatMoney(item.unitPrice),
      formatMoney(item.lineTotal),
      describeAllocation(item.allocation),
      removeButton(order, item),
    ]),
  );
  const draft = order.status === 'draft';
  document.getElementById('add-item-form').hidden = !draft;
  document.getElementById('place-order').disabled = !draft || order.items.length === 0;
  document.getElementById('cancel-order').disabled = !(draft || order.status === 'placed');
  panel.hidden = false;
  reportPlacement(order);
};

const list = { customerId: '', status: '' };

const loadOrders = async () => {
  const query = new URLSearchParams(orderPager.query());
  if (list.customerId) query.set('customerId', list.customerId);
  if (list.status) query.set('status', list.status);
  const page = await call('GET', `/api/orders?${query}`);
  if (!orderPager.show(page)) return loadOrders();
  fillTable(
    document.getElementById('orders-table'),
    page.items.map((order) => {
      const open = document.createElement('a');
      open.href = `#${encodeURIComponent(order.orderId)}`;
      open.textContent = order.orderId;
      open.addEventListener('click', () => act(open, () => openOrder(order.orderId)));
      return [open, order.customerId, order.status, order.lines, formatMoney(order.total)];
    }),
  );
};

const openOrder = async (orderId) => {
  const asked = shown;
  const order = await call('GET', `/api/orders/${encodeURIComponent(orderId)}`);
  // The panel moved on (another order created or opened) while this was on its way.
  if (shown === asked) showOrder(order);
};

document.getElementById('new-order-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  act(event.target, async () => {
    const order = await call('POST', '/api/orders', {
      customerId: String(form.get('customerId')).trim(),
      currency: String(form.get('currency')),
    });
    event.target.reset();
    showOrder(order);
    await loadOrders();
    show(`Order ${order.orderId} created for ${order.customerId}. Add its items.`);
  });
});

document.getElementById('open-order-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const orderId = String(new FormData(event.target).get('orderId')).trim();
  act(event.target, async () => {
    await openOrder(orderId);
    show(`Order ${orderId} opened.`);
  });
});

document.getElementById('add-item-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  act(event.target, async () => {
    const order = await call('POST', `/api/orders/${encodeURIComponent(current.orderId)}/items`, {
      sku: String(form.get('sku')).trim(),
      quantity: Number(form.get('quantity')),
    });
    event.target.reset();
    showOrder(order);
    await loadOrders();
    show(`Added to order ${order.orderId}; it now totals ${formatMoney(order.total)}.`);
  });
});

const orderAction = (id, action, done, ask) => {
  const button = document.getElementById(id);
  button.addEventListener('click', () => {
    if (ask !== undefined && !window.confirm(ask())) return;
    act(button, async () => {
      const order = await call(
        'POST',
        `/api/orders/${encodeURIComponent(current.orderId)}/${action}`,
      );
      showOrder(order);
      await loadOrders();
      show(done(order));
    });
  });
};

orderAction('place-order', 'place', (o) => {
  current.placing = o.orderId;
  return `Order ${o.orderId} placed: its lines are being allocated.`;
});
orderAction(
  'cancel-order',
  'cancel',
  (o) => `Order ${o.orderId} cancelled.`,
  () =>
    document.getElementById('order-status').textContent === 'placed'
      ? `Cancel order ${current.orderId}? Its allocated lines go back to stock.`
      : `Cancel order ${current.orderId}? It cannot be placed afterwards.`,
);

// Allocation reports each line as it is decided, fulfilment each shipment, orders each change
// of state: the open order and the list follow without a reload, so they always agree.
const TYPES = [
  'Allocated',
  'Deallocated',
  'OutOfStock',
  'Backordered',
  'BackorderCancelled',
  'Shipped',
  'OrderPlaced',
  'OrderCancelled',
  'OrderShipped',
].join(',');
const ORDER_STATES = new Set(['OrderPlaced', 'OrderCancelled', 'OrderShipped']);
const stream = new EventSource(streamUrl(`/api/events/stream?type=${TYPES}`));
let refresh;
let refreshList;
stream.addEventListener('message', (message) => {
  const event = JSON.parse(message.data);
  if (ORDER_STATES.has(event.type)) {
    clearTimeout(refreshList);
    refreshList = setTimeout(() => attempt(loadOrders), 100);
  }
  if (current.orderId === null || event.data.orderId !== current.orderId) return;
  clearTimeout(refresh);
  refresh = setTimeout(() => attempt(() => openOrder(current.orderId)), 100);
});

document.getElementById('orders-filter').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  list.customerId = String(form.get('customerId') ?? '').trim();
  list.status = String(form.get('status') ?? '');
  orderPager.page = 1;
  act(event.target, loadOrders);
});

const orderPager = makePager({
  previous: 'orders-previous',
  next: 'orders-next',
  info: 'orders-page-info',
  noun: 'orders',
  pageSize: 20,
  load: () => loadOrders(),
});

const fromHash = decodeURIComponent(window.location.hash.slice(1));
attempt(async () => {
  await loadOrders();
  if (fromHash) await openOrder(fromHash);
});
