// The pick lists page: make a list, print it for the picker, confirm what shipped or cancel.
// Helpers are in common.js.
const lists = document.getElementById('pick-lists');
const template = document.getElementById('pick-list-template');

const ordersOf = (batch) => batch.lines.map((l) => `${l.orderId} × ${l.quantity}`).join(', ');

const tickBox = (label) => {
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.setAttribute('aria-label', label);
  return box;
};

const renderList = (list) => {
  const article = template.content.firstElementChild.cloneNode(true);
  const title = `Pick list ${list.id}`;
  article.dataset.id = list.id;
  article.setAttribute('aria-label', title);
  article.querySelector('h3').textContent = title;
  const units = list.batches.reduce((sum, b) => sum + b.quantity, 0);
  article.querySelector('.pick-meta').textContent =
    `Made ${new Date(list.createdAt).toLocaleString()} · ${count(list.batches.length, 'batch', 'batches')}, ${count(units, 'unit')}`;
  const table = article.querySelector('table');
  table.setAttribute('aria-label', title);
  fillTable(
    table,
    list.batches.map((b) => [
      tickBox(`Picked ${b.quantity} × ${b.sku} from ${b.batchReference}`),
      b.batchReference,
      b.sku,
      b.eta,
      b.quantity,
      ordersOf(b),
    ]),
  );
  article
    .querySelector('[data-action="print"]')
    .addEventListener('click', () => printOnly(article));
  const asks = {
    confirm: `Confirm pick list ${list.id} as shipped? ${count(units, 'unit')} leave their batches for good.`,
    cancel: `Cancel pick list ${list.id}? Its lines go back to be picked later.`,
  };
  for (const action of ['confirm', 'cancel']) {
    const button = article.querySelector(`[data-action="${action}"]`);
    button.addEventListener('click', () => {
      if (!window.confirm(asks[action])) return;
      act(button, async () => {
        await call('POST', `/api/pick-lists/${encodeURIComponent(list.id)}/${action}`);
        await loadLists();
        show(
          action === 'confirm'
            ? `Pick list ${list.id} confirmed: ${count(units, 'unit')} shipped.`
            : `Pick list ${list.id} cancelled: its lines are free to pick again.`,
        );
      });
    });
  }
  return article;
};

/** Prints one list alone: the print style hides everything not marked. */
const printOnly = (article) => {
  document.body.classList.add('printing-one');
  article.classList.add('printing');
  window.print();
  article.classList.remove('printing');
  document.body.classList.remove('printing-one');
};

const loadLists = async () => {
  const page = await call('GET', '/api/pick-lists?status=open&pageSize=100');
  lists.replaceChildren(...page.items.map(renderList));
  document.getElementById('pick-empty').hidden = page.items.length > 0;
};

document.getElementById('pick-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = String(new FormData(event.target).get('orderIds') ?? '');
  const orderIds = text
    .split(/[\s,]+/)
    .map((id) => id.trim())
    .filter((id) => id !== '');
  act(event.target, async () => {
    const list = await call('POST', '/api/pick-lists', orderIds.length > 0 ? { orderIds } : {});
    event.target.reset();
    await loadLists();
    const units = list.batches.reduce((sum, b) => sum + b.quantity, 0);
    show(
      `Pick list ${list.id} made: ${count(units, 'unit')} from ${count(list.batches.length, 'batch', 'batches')}.`,
    );
  });
});

// Lists made, confirmed or cancelled elsewhere show up without a reload.
const stream = new EventSource(
  streamUrl('/api/events/stream?type=PickListCreated,PickListConfirmed,PickListCancelled'),
);
let refresh;
stream.addEventListener('message', () => {
  clearTimeout(refresh);
  refresh = setTimeout(() => attempt(loadLists), 100);
});

attempt(loadLists);
