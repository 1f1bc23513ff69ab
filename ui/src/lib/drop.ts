// Files dropped on the window: Tauri reports their paths (a web page would only see their bytes),
// and the app hands them to the import dialog. Outside Tauri (unit tests, a plain browser) there is
// nothing to listen to.

import { getCurrentWebview } from "@tauri-apps/api/webview";

export interface DropHandlers {
  /** Files are being dragged over the window (true), or left or were dropped (false). */
  hovering: (on: boolean) => void;
  dropped: (paths: string[]) => void;
}

/** Listens for files dragged onto the window; returns the function that stops listening. */
export function listenForDrops(handlers: DropHandlers): () => void {
  let stop: (() => void) | null = null;
  let stopped = false;
  try {
    getCurrentWebview()
      .onDragDropEvent(({ payload }) => {
        if (payload.type === "enter" || payload.type === "over") handlers.hovering(true);
        else if (payload.type === "leave") handlers.hovering(false);
        else {
          handlers.hovering(false);
          if (payload.paths.length > 0) handlers.dropped(payload.paths);
        }
      })
      .then((unlisten) => (stopped ? unlisten() : (stop = unlisten)))
      .catch(() => {});
  } catch {
    // Not in Tauri: nothing is ever dropped.
  }
  return () => {
    stopped = true;
    stop?.();
  };
}
