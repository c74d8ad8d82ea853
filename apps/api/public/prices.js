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
      : `${page.total} price(s).`;
};

document.getElementById('price-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const currency = String(form.get('currency'));
  const amountMinor = toMinorUnits(form.get('amount'), currency);
  if (amountMinor === null) {
    const decimals = exponentOf(currency);
    return show(
      `Please write the price as a number with at most ${decimals} decimal${decimals === 1 ? '' : 's'}, like ${formatMoney({ amountMinor: 1999, currency }).split(' ')[0]}.`,
      true,
    );
  }
  attempt(async () => {
    const sku = String(form.get('sku')).trim();
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
