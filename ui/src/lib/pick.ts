// Native open and save dialogs (Tauri's dialog plugin): the paths a reviewer picks go where typed
// paths go (the import dialog's list, the export's "Save to"). Cancelling picks nothing.

import { open, save } from "@tauri-apps/plugin-dialog";
import type { ExportFormat } from "./bindings";
import { EXPORT_FORMATS, fileNameOf } from "./export";

/** What the import dialog can pick: bundle folders (and AAR storage folders), or archives. */
export type BundleKind = "folders" | "archives";

export async function pickBundles(kind: BundleKind): Promise<string[]> {
  const picked =
    kind === "folders"
      ? await open({ title: "Import bundle folders or AAR exports", directory: true, multiple: true })
      : await open({
          title: "Import bundle archives",
          multiple: true,
          filters: [{ name: "Bundles (.zip, .tar.gz)", extensions: ["zip", "gz", "tgz"] }],
        });
  return picked ?? [];
}

/** Where to save the export, picked in the system's save dialog; null when cancelled. */
export async function pickExportFile(typed: string, format: ExportFormat): Promise<string | null> {
  const name = EXPORT_FORMATS.find((f) => f.format === format)?.name ?? format;
  return save({
    title: "Save the review export",
    defaultPath: fileNameOf(typed) || undefined,
    filters: [{ name, extensions: [format] }],
  });
}
