// The pick lists page: make a list, print it for the picker, confirm what shipped or cancel.
// Helpers are in common.js.
const lists = document.getElementById('pick-lists');
const template = document.getElementById('pick-list-template');

const ordersOf = (batch) => batch.lines.map((l) => `${l.orderId} × ${l.quantity}`).join(', ');

const shown = { status: 'open' };

// The picker's ticks, by list id then batch reference. They live outside the page's elements
// because the lists are drawn afresh whenever the stream reports a change, and in the tab's
// session storage so a reload keeps them too.
const TICKS_KEY = 'pick-list-ticks';
const storedTicks = () => {
  try {
    const stored = JSON.parse(sessionStorage.getItem(TICKS_KEY) ?? '{}');
    return Object.entries(stored).map(([id, refs]) => [id, new Set(refs)]);
  } catch {
    // Storage left unreadable (another version of the page, or by hand): start without ticks.
    return [];
  }
};
const ticks = new Map(storedTicks());
const saveTicks = () =>
  sessionStorage.setItem(
    TICKS_KEY,
    JSON.stringify(Object.fromEntries([...ticks].map(([id, refs]) => [id, [...refs]]))),
  );
const forgetTicks = (listId) => {
  if (ticks.delete(listId)) saveTicks();
};
const setTick = (listId, batchReference, picked) => {
  const refs = ticks.get(listId) ?? new Set();
  if (picked) refs.add(batchReference);
  else refs.delete(batchReference);
  if (refs.size > 0) ticks.set(listId, refs);
  else ticks.delete(listId);
  saveTicks();
};

const tickBox = (label, units, picked, onTick) => {
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.checked = picked;
  box.dataset.units = String(units);
  box.setAttribute('aria-label', label);
  box.addEventListener('change', () => onTick(box.checked));
  return box;
};

/** Picked / to pick, from the batches ticked off so far, as a bar and in words. */
const showProgress = (article, units) => {
  const picked = [...article.querySelectorAll('tbody input:checked')].reduce(
    (sum, box) => sum + Number(box.dataset.units),
    0,
  );
  const bar = article.querySelector('progress');
  bar.max = units;
  bar.value = picked;
  const words = `${picked} of ${count(units, 'unit')} picked`;
  bar.setAttribute('aria-label', words);
  article.querySelector('.pick-progress span').textContent = words;
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
  // Only an open list can still be picked, shipped or cancelled.
  const open = list.status === 'open';
  if (!open) forgetTicks(list.id);
  const ticked = ticks.get(list.id) ?? new Set();
  fillTable(
    table,
    list.batches.map((b) => [
      tickBox(
        `Picked ${b.quantity} × ${b.sku} from ${b.batchReference}`,
        b.quantity,
        ticked.has(b.batchReference),
        (picked) => {
          setTick(list.id, b.batchReference, picked);
          showProgress(article, units);
        },
      ),
      b.batchReference,
      b.sku,
      b.eta,
      b.quantity,
      ordersOf(b),
    ]),
  );
  showProgress(article, units);
  article.querySelector('.pick-progress').hidden = !open;
  for (const action of ['confirm', 'cancel']) {
    article.querySelector(`[data-action="${action}"]`).hidden = !open;
  }
  if (!open) {
    article.querySelector('.pick-meta').textContent += ` · ${list.status}`;
  }
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
        forgetTicks(list.id);
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

/**
 * The list control the keyboard is on, by its list and its action or label, so a redraw can put
 * the keyboard back where it was instead of on the page's start.
 */
const focusedControl = () => {
  const control = document.activeElement;
  const article = control?.closest('article.pick-list');
  if (!article || !lists.contains(article)) return undefined;
  const { action } = control.dataset;
  const selector = action
    ? `[data-action="${action}"]`
    : `[aria-label="${CSS.escape(control.getAttribute('aria-label') ?? '')}"]`;
  return { id: article.dataset.id, selector };
};

const refocus = (focus) => {
  if (focus === undefined) return;
  const article = [...lists.children].find((a) => a.dataset.id === focus.id);
  article?.querySelector(focus.selector)?.focus();
};

const loadLists = async () => {
  const query = new URLSearchParams({ status: shown.status, ...listPager.query() });
  const page = await call('GET', `/api/pick-lists?${query}`);
  if (!listPager.show(page)) return loadLists();
  const focus = focusedControl();
  lists.replaceChildren(...page.items.map(renderList));
  refocus(focus);
  const empty = document.getElementById('pick-empty');
  empty.textContent = `No ${shown.status} pick lists.`;
  empty.hidden = page.items.length > 0;
};

document.getElementById('pick-filter').addEventListener('submit', (event) => {
  event.preventDefault();
  shown.status = String(new FormData(event.target).get('status'));
  listPager.page = 1;
  act(event.target, loadLists);
});

const listPager = makePager({
  previous: 'lists-previous',
  next: 'lists-next',
  info: 'lists-page-info',
  noun: 'lists',
  pageSize: 20,
  load: () => loadLists(),
});

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
