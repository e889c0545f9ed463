// Entry-name rules for uploaded archives (spec 2.1, 5.11, 13): a name that could escape a staging directory is
// rejected whatever the import mode, so a later disk-backed reader can never be tricked (Atlas checks only when
// staging on disk).

/** Why the entry name is unsafe, or undefined when it is fine. */
export function unsafeEntryNameReason(name: string): string | undefined {
  if (name.length === 0) return 'empty entry name';
  if (name.includes('\0')) return 'entry name contains a NUL character';
  if (name.includes('\\')) return 'entry name contains a backslash';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'entry name is an absolute path';
  if (name.split('/').includes('..')) return 'entry name contains a parent-directory segment ("..")';
  return undefined;
}

/** The entry name as it may appear in an error message (a NUL would cut some log lines short). */
export function printableEntryName(name: string): string {
  return name.replace(/\0/g, '\\0');
}
