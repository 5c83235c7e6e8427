/// <reference lib="dom" />
// What every notebook page does the same way: find its elements, and run again after each change.

/** The element with this id; a missing one is a bug in the page, said at once. */
export function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`the page has no element #${id}`);
  return el as T;
}

/**
 * Runs `run` now and again after every change to `form`, once per burst of input events. The
 * body's data-state (running, ready, error) and data-runs let a test wait for a redraw.
 */
export function rerunOnChange(form: HTMLFormElement, run: () => void): void {
  let pending = false;
  const schedule = (): void => {
    if (pending) return;
    pending = true;
    document.body.dataset['state'] = 'running';
    setTimeout(() => {
      pending = false;
      try {
        run();
      } finally {
        document.body.dataset['runs'] = String(Number(document.body.dataset['runs'] ?? '0') + 1);
        document.body.dataset['state'] = byId('error').textContent === '' ? 'ready' : 'error';
      }
    }, 0);
  };
  form.addEventListener('input', schedule);
  form.addEventListener('change', schedule);
  form.addEventListener('submit', (e) => e.preventDefault());
  schedule();
}
