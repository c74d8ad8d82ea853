// The price catalogue page. Helpers are in common.js and money.js.
const filter = { sku: '' };

const loadPrices = async () => {
  const query = new URLSearchParams(pricePager.query());
  if (filter.sku) query.set('sku', filter.sku);
  const page = await call('GET', `/api/prices?${query}`);
  if (!pricePager.show(page)) return loadPrices();
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

const pricePager = makePager({
  previous: 'prices-previous',
  next: 'prices-next',
  info: 'prices-page-info',
  noun: 'prices',
  pageSize: 50,
  load: () => loadPrices(),
});

document.getElementById('prices-filter').addEventListener('submit', (event) => {
  event.preventDefault();
  filter.sku = String(new FormData(event.target).get('sku') ?? '').trim();
  pricePager.page = 1;
  act(event.target, loadPrices);
});

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
