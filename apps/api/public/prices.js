// The price catalogue page. Helpers are in common.js and money.js.
const PRICES_PAGE_SIZE = 50;
const catalogue = { page: 1 };

const loadPrices = async () => {
  const query = new URLSearchParams({
    page: String(catalogue.page),
    pageSize: String(PRICES_PAGE_SIZE),
  });
  const page = await call('GET', `/api/prices?${query}`);
  const pages = Math.max(1, Math.ceil(page.total / PRICES_PAGE_SIZE));
  if (catalogue.page > pages) {
    catalogue.page = pages;
    return loadPrices();
  }
  const first = page.total === 0 ? 0 : (catalogue.page - 1) * PRICES_PAGE_SIZE + 1;
  const last = (catalogue.page - 1) * PRICES_PAGE_SIZE + page.items.length;
  document.getElementById('prices-page-info').textContent =
    `Page ${catalogue.page} of ${pages} · prices ${first}–${last} of ${page.total}`;
  document.getElementById('prices-previous').disabled = catalogue.page <= 1;
  document.getElementById('prices-next').disabled = catalogue.page >= pages;
  fillTable(
    document.getElementById('price-table'),
    page.items.map((price) => [
      price.sku,
      formatMoney(price),
      new Date(price.updatedAt).toLocaleString(),
    ]),
  );
  document.getElementById('price-count').textContent = `${count(page.total, 'price')} in all.`;
};

for (const [id, step] of [
  ['prices-previous', -1],
  ['prices-next', 1],
]) {
  const button = document.getElementById(id);
  button.addEventListener('click', () =>
    act(button, async () => {
      catalogue.page = Math.max(1, catalogue.page + step);
      await loadPrices();
    }),
  );
}

document.getElementById('price-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const currency = String(form.get('currency'));
  const amountMinor = toMinorUnits(form.get('amount'), currency);
  if (amountMinor === null) {
    const decimals = exponentOf(currency);
    const like = formatMoney({ amountMinor: 1999, currency }).split(' ')[0];
    return show(
      decimals === 0
        ? `Please write the price as a whole number of ${currency}, like ${like}: it has no decimals.`
        : `Please write the price as a number with at most ${count(decimals, 'decimal')}, like ${like}.`,
      true,
    );
  }
  const sku = String(form.get('sku')).trim();
  if (amountMinor === 0 && !window.confirm(`Make ${sku} free (a price of 0)?`)) {
    return show(`The price of ${sku} was not changed.`);
  }
  act(event.target, async () => {
    const price = await call('PUT', `/api/prices/${encodeURIComponent(sku)}`, {
      amountMinor,
      currency,
    });
    event.target.reset();
    await loadPrices();
    show(`${price.sku} now costs ${formatMoney(price)}.`);
  });
});

attempt(loadPrices);
