// A product's stock over time, drawn as SVG: what is on hand now, each inbound batch stepping it
// up at its ETA, against the demand already allocated and the backorders waiting behind it.
const SVG = 'http://www.w3.org/2000/svg';

const svgElement = (name, attributes, text) => {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
};

/** The supply steps (now, then each ETA) and the two demand levels, from a product. */
const stockTimeline = (product) => {
  const onHand = product.batches
    .filter((b) => b.eta === null)
    .reduce((sum, b) => sum + b.purchasedQuantity, 0);
  const inbound = new Map();
  for (const batch of product.batches.filter((b) => b.eta !== null)) {
    inbound.set(batch.eta, (inbound.get(batch.eta) ?? 0) + batch.purchasedQuantity);
  }
  const steps = [{ when: 'now', total: onHand }];
  for (const eta of [...inbound.keys()].sort()) {
    steps.push({ when: eta, total: steps[steps.length - 1].total + inbound.get(eta) });
  }
  const allocated = product.batches.reduce((sum, b) => sum + b.allocatedQuantity, 0);
  const waiting = product.backorders.reduce((sum, b) => sum + b.quantity, 0);
  return { steps, allocated, demand: allocated + waiting, waiting };
};

/**
 * In words. A line waits only while no batch, on hand or on order, can take it, and new stock
 * serves the queue the moment it is added: so the gap between demand and supply is what has to
 * be bought before the backorders are served.
 */
const describeTimeline = ({ steps, demand, waiting }) => {
  const now = steps[0].total;
  const onOrder = steps[steps.length - 1].total - now;
  if (waiting === 0) {
    return `No backorders: ${count(now, 'unit')} on hand now, ${count(onOrder, 'more unit', 'more units')} on order.`;
  }
  const short = demand - steps[steps.length - 1].total;
  return short > 0
    ? `${count(waiting, 'unit')} backordered: stock on hand and on order is ${count(short, 'unit')} short; they are served as soon as that much arrives.`
    : `${count(waiting, 'unit')} backordered: there is enough stock in all, but no batch can take these lines whole.`;
};

/** Draws the chart into `container` (replacing what was there); returns its summary. */
const drawStockChart = (container, product) => {
  const timeline = stockTimeline(product);
  const summary = describeTimeline(timeline);
  const [width, height, left, right, top, bottom] = [640, 220, 48, 16, 16, 40];
  const top_ = Math.max(timeline.demand, ...timeline.steps.map((s) => s.total), 1);
  const y = (units) => top + (height - top - bottom) * (1 - units / top_);
  const columns = timeline.steps.length + 1;
  const x = (i) => left + ((width - left - right) * i) / (columns - 1);

  const svg = svgElement('svg', {
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': `Stock over time for ${product.sku}. ${summary}`,
    class: 'stock-chart',
  });
  // Axes and the unit scale.
  svg.append(
    svgElement('line', { x1: left, y1: y(0), x2: width - right, y2: y(0), class: 'axis' }),
    svgElement('text', { x: left - 6, y: y(0), class: 'tick', 'text-anchor': 'end' }, '0'),
    svgElement('text', { x: left - 6, y: y(top_) + 4, class: 'tick', 'text-anchor': 'end' }, top_),
  );
  // Supply: a step for each arrival, labelled with its date and the total it brings.
  let path = `M ${x(0)} ${y(timeline.steps[0].total)}`;
  timeline.steps.forEach((step, i) => {
    if (i > 0) path += ` L ${x(i)} ${y(timeline.steps[i - 1].total)} L ${x(i)} ${y(step.total)}`;
    path += ` L ${x(i + 1)} ${y(step.total)}`;
    svg.append(
      svgElement('text', { x: x(i) + 4, y: height - 22, class: 'tick' }, step.when),
      svgElement('text', { x: x(i) + 4, y: y(step.total) - 4, class: 'value' }, step.total),
    );
  });
  svg.append(svgElement('path', { d: path, class: 'supply' }));
  // Demand: what is allocated, and that plus the backorders.
  const level = (units, name, label) => {
    svg.append(
      svgElement('line', { x1: left, y1: y(units), x2: width - right, y2: y(units), class: name }),
      svgElement(
        'text',
        { x: width - right - 4, y: y(units) - 4, class: `${name}-label`, 'text-anchor': 'end' },
        `${label} ${units}`,
      ),
    );
  };
  level(timeline.allocated, 'allocated', 'allocated');
  if (timeline.waiting > 0) level(timeline.demand, 'demand', 'allocated + backordered');
  svg.append(
    svgElement(
      'text',
      { x: left, y: height - 6, class: 'legend' },
      'solid: stock on hand and on order · dashed: demand',
    ),
  );
  container.replaceChildren(svg);
  return summary;
};
