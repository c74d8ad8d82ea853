// Shared by every page of the web UI: calling the API and saying what happened, in words.
const statusLine = document.getElementById('status');

const show = (text, isError = false) => {
  statusLine.textContent = text;
  statusLine.className = isError ? 'error' : '';
  statusLine.removeAttribute('aria-busy');
};

/** "1 unit", "3 units": counts in words. */
const count = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

class ApiError extends Error {
  constructor(status, body) {
    super(Array.isArray(body?.message) ? body.message.join('; ') : String(body?.message ?? ''));
    this.status = status;
    this.code = body?.code;
    this.details = Array.isArray(body?.message) ? body.message : [];
  }
}

const sentence = (text) => {
  const trimmed = String(text).trim();
  if (trimmed === '') return trimmed;
  const capital = trimmed[0].toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
};

/** Says what went wrong in words a person can act on; codes and statuses stay out of sight. */
const describeError = (error) => {
  if (!(error instanceof ApiError)) {
    return 'Cannot reach the service. Check that it is running and try again.';
  }
  switch (error.code) {
    case 'VALIDATION_FAILED':
      return `Please check the form: ${error.details.map(sentence).join(' ')}`;
    case 'OUT_OF_STOCK':
      return `${sentence(error.message)} Add stock or allow the line to be split.`;
    case 'NO_PRICE':
      return `${sentence(error.message.replace(/; set one with .*/, ''))} Set it on the Prices page first.`;
    case 'TOO_MANY_CONFLICTS':
    case 'DATABASE_UNAVAILABLE':
      return `${sentence(error.message)} Nothing was changed.`;
    case 'TOKEN_REQUIRED':
    case 'INVALID_TOKEN':
      return 'This needs a valid access token; nothing was changed. Ask whoever runs the service for one.';
    case 'INTERNAL_ERROR':
      return 'Something went wrong on the server; nothing was changed. Please try again.';
    default:
      return sentence(error.message || 'The request was refused.');
  }
};

// The access token (when the service asks for one) is kept for this browser tab's session only.
const TOKEN_KEY = 'allocation.apiToken';
const storedToken = () => sessionStorage.getItem(TOKEN_KEY);

/** Asks for the access token in a small dialog; resolves to it, or to null when cancelled. */
const askForToken = (wasRefused) =>
  new Promise((resolve) => {
    const dialog = document.createElement('dialog');
    dialog.className = 'token-dialog';
    dialog.innerHTML = `
      <form method="dialog">
        <p></p>
        <label>Access token <input name="token" type="password" autocomplete="off" required></label>
        <menu><button value="cancel" formnovalidate>Cancel</button><button value="ok">Use token</button></menu>
      </form>`;
    dialog.querySelector('p').textContent = wasRefused
      ? 'That token was not accepted. Enter a valid access token to continue.'
      : 'This service needs an access token for changes. Enter yours to continue.';
    dialog.addEventListener('close', () => {
      const token = dialog.querySelector('input').value.trim();
      dialog.remove();
      resolve(dialog.returnValue === 'ok' && token !== '' ? token : null);
    });
    document.body.append(dialog);
    dialog.showModal();
  });

const call = async (method, path, body, askedForToken = false) => {
  const headers = body === undefined ? {} : { 'Content-Type': 'application/json' };
  const token = storedToken();
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new Error('network');
  }
  const text = await response.text();
  const data = text === '' ? null : JSON.parse(text);
  if (response.status === 401 && !askedForToken) {
    const given = await askForToken(token !== null);
    if (given !== null) {
      sessionStorage.setItem(TOKEN_KEY, given);
      return call(method, path, body, true);
    }
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
};

/** An event stream's URL: EventSource sends no headers, so a token goes in the query. */
const streamUrl = (path) => {
  const token = storedToken();
  if (token === null) return path;
  return `${path}${path.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(token)}`;
};

const cell = (value) => {
  const td = document.createElement('td');
  if (value instanceof Node) td.append(value);
  else td.textContent = value === null || value === undefined ? '—' : String(value);
  return td;
};

const fillTable = (table, rows) => {
  table.querySelector('tbody').replaceChildren(
    ...rows.map((values) => {
      const tr = document.createElement('tr');
      tr.append(...values.map(cell));
      return tr;
    }),
  );
};

/** Runs a background action (a refresh), reporting its failure in the status line. */
const attempt = async (action) => {
  try {
    await action();
  } catch (error) {
    show(describeError(error), true);
  }
};

/**
 * Runs what a person asked for: the last message goes, the page says it is working, and the
 * control (a button, or a form's buttons) takes no second press until the answer is in, so a
 * double click on a slow answer does the thing once. The action says what happened.
 */
const act = async (control, action) => {
  if (control.dataset.busy === 'true') return;
  control.dataset.busy = 'true';
  control.setAttribute('aria-busy', 'true');
  statusLine.textContent = 'Working…';
  statusLine.className = 'working';
  statusLine.setAttribute('aria-busy', 'true');
  try {
    await action();
  } catch (error) {
    show(describeError(error), true);
  } finally {
    delete control.dataset.busy;
    control.removeAttribute('aria-busy');
    // An action that said nothing leaves no "Working…" behind.
    if (statusLine.className === 'working') show('');
  }
};

/**
 * A list's pager: its Previous and Next buttons and the line that says where the list stands
 * ("Page 2 of 3 · orders 21–40 of 45"). `load` fetches the page `pager.page` names and hands
 * its answer to `pager.show`, which says false when the list has shrunk below that page (the
 * pager has stepped back; load again).
 */
const makePager = ({ previous, next, info, noun, pageSize, load }) => {
  const pager = {
    page: 1,
    query: () => ({ page: String(pager.page), pageSize: String(pageSize) }),
    show: (answer) => {
      const pages = Math.max(1, Math.ceil(answer.total / pageSize));
      if (pager.page > pages) {
        pager.page = pages;
        return false;
      }
      const first = answer.total === 0 ? 0 : (pager.page - 1) * pageSize + 1;
      const last = (pager.page - 1) * pageSize + answer.items.length;
      document.getElementById(info).textContent =
        `Page ${pager.page} of ${pages} · ${noun} ${first}–${last} of ${answer.total}`;
      document.getElementById(previous).disabled = pager.page <= 1;
      document.getElementById(next).disabled = pager.page >= pages;
      return true;
    },
  };
  for (const [id, step] of [
    [previous, -1],
    [next, 1],
  ]) {
    const button = document.getElementById(id);
    button.addEventListener('click', () =>
      act(button, async () => {
        pager.page = Math.max(1, pager.page + step);
        await load();
      }),
    );
  }
  return pager;
};
