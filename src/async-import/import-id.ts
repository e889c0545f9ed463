// spec 5.12: the importId is the lower-case hex MD5 over the uncompressed contents of every ZIP entry,
// concatenated in archive order. Entries are streamed one at a time, so memory stays bounded whatever the size.
import { createHash } from 'node:crypto';
import StreamZip from 'node-stream-zip';
import { AtlasError, ErrorCode } from '../common/errors';
import { ARCHIVE_NAME } from '../import/zip/zip-source';

export async function computeImportId(zipPath: string): Promise<string> {
  const zip = new StreamZip.async({ file: zipPath, skipEntryNameValidation: true });
  const hash = createHash('md5');
  let current = ARCHIVE_NAME;
  try {
    // archive order: the physical order of the entries in the file
    const entries = Object.values(await zip.entries()).filter((e) => !e.isDirectory).sort((a, b) => a.offset - b.offset);
    for (const entry of entries) {
      current = entry.name;
      // node-stream-zip checks size and CRC at the end of each entry stream
      for await (const chunk of await zip.stream(entry)) hash.update(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof AtlasError) throw err;
    throw new AtlasError(ErrorCode.IMPORT_INVALID_ZIP_ENTRY, [current, (err as Error)?.message ?? String(err)]);
  } finally {
    await zip.close().catch(() => undefined);
  }
  return hash.digest('hex');
}
