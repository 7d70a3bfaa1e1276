import fs from 'node:fs';
import path from 'node:path';

/**
 * Files under `dir` (one level of folders deep: the pictures' per-seller folders) last written
 * before `before` are deleted, and folders left empty; returns how many files. A missing
 * folder is nothing to delete.
 */
export async function purgeFilesBefore(dir: string, before: Date): Promise<number> {
  let purged = 0;
  const entries = await fs.promises.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      purged += await purgeFilesBefore(full, before);
      if ((await fs.promises.readdir(full)).length === 0) await fs.promises.rmdir(full).catch(() => undefined);
    } else if (entry.isFile() && (await fs.promises.stat(full)).mtime < before) {
      await fs.promises.rm(full, { force: true });
      purged++;
    }
  }
  return purged;
}
