// Where the keyboard starts in a dialog or table: its default control takes the focus once, the
// first time it is there (so V then Enter verifies), and never again, so editing a field later
// never moves the focus away from it.

import { tick } from "svelte";

/** Focuses what `target` returns, once; call while a component initialises. */
export function focusOnce(target: () => HTMLElement | null | undefined): void {
  let done = false;
  $effect(() => {
    if (done) return;
    const element = target();
    if (!element) return;
    done = true;
    // Focus once the DOM has caught up: the change that made the target ready (a form's default
    // filled in by another effect) can leave it still `disabled` in this flush, and a disabled
    // control silently refuses the focus.
    void tick().then(() => element.focus());
  });
}
