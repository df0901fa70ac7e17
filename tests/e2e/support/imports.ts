import { expect, type Page } from "@playwright/test";

/** A file for the import form's file input. */
export interface ImportFile {
  name: string;
  buffer: Buffer;
}

/** Chooses the file in 导入's form and uploads it (kind, account and format already chosen). */
export async function submitImport(page: Page, file: ImportFile) {
  await page.getByTestId("import-file").setInputFiles({ ...file, mimeType: "text/csv" });
  await page.getByTestId("import-submit").click();
}

/** Chooses several files at once in 导入's form and uploads them, each its own import. */
export async function submitImports(page: Page, files: ImportFile[]) {
  await page.getByTestId("import-file").setInputFiles(files.map((file) => ({ ...file, mimeType: "text/csv" })));
  await page.getByTestId("import-submit").click();
}

/**
 * Waits for the import result to show `figures` (新导入, 重复, 已匹配… by their ids: imported, duplicates, matched,
 * suggested, unmatched, confirmed, rejected) — the first one while the file is read and matched — and returns it.
 */
export async function expectImportFigures(page: Page, figures: Record<string, number>) {
  const result = page.getByTestId("import-result");
  let first = true;
  for (const [id, n] of Object.entries(figures)) {
    await expect(result.getByTestId(`import-${id}`)).toHaveText(String(n), first ? { timeout: 15_000 } : {});
    first = false;
  }
  return result;
}
