// The price catalogue page. Helpers are in common.js and money.js.
const loadPrices = async () => {
  const page = await call('GET', '/api/prices?pageSize=500');
  fillTable(
    document.getElementById('price-table'),
    page.items.map((price) => [
      price.sku,
      formatMoney(price),
      new Date(price.updatedAt).toLocaleString(),
    ]),
  );
  document.getElementById('price-count').textContent =
    page.total > page.items.length
      ? `${page.items.length} of ${page.total} prices shown.`
      : `${count(page.total, 'price')}.`;
};

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
