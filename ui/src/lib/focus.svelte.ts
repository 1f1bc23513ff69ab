// Where the keyboard starts in a dialog or table: its default control takes the focus once, the
// first time it is there (so V then Enter verifies), and never again, so editing a field later
// never moves the focus away from it.

/** Focuses what `target` returns, once; call while a component initialises. */
export function focusOnce(target: () => HTMLElement | null | undefined): void {
  let done = false;
  $effect(() => {
    if (done) return;
    const element = target();
    if (!element) return;
    element.focus();
    done = true;
  });
}
