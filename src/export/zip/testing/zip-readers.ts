import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

// Third-party ZIP readers used to prove the writer's output (Info-ZIP unzip, Python's zipfile, Java's ZipFile and
// ZipInputStream). Each returns undefined when the tool is not installed, so tests can skip that reader.

export interface ReaderResult {
  ok: boolean;
  output: string;
}

function available(command: string, args: string[]): boolean {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  return r.error === undefined && r.status === 0;
}

export const HAS_UNZIP = available('unzip', ['-v']);
export const HAS_PYTHON = available('python3', ['--version']);
export const HAS_JAVA = available('java', ['-version']);
const HAS_JAVAC = available('javac', ['-version']);

/** `unzip -t`: tests every entry's data and CRC. */
export function unzipTest(file: string): ReaderResult | undefined {
  if (!HAS_UNZIP) return undefined;
  const r = spawnSync('unzip', ['-tq', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`.trim() };
}

const PYTHON_CHECK = `
import sys, zipfile, json
z = zipfile.ZipFile(sys.argv[1])
bad = z.testzip()
names = z.namelist()
print(json.dumps({"bad": bad, "count": len(names), "first": names[0] if names else None, "last": names[-1] if names else None}))
`;

/** Python's zipfile: `testzip()` reads every entry and checks its CRC. Output: JSON {bad, count, first, last}. */
export function pythonZipfile(file: string): ReaderResult | undefined {
  if (!HAS_PYTHON) return undefined;
  const r = spawnSync('python3', ['-c', PYTHON_CHECK, file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`.trim() };
}

const JAVA_CHECK = `
import java.io.*;
import java.util.*;
import java.util.zip.*;

public class ZipCheck {
  public static void main(String[] args) throws Exception {
    long entries = 0, bytes = 0;
    try (ZipFile zf = new ZipFile(args[0])) {
      Enumeration<? extends ZipEntry> e = zf.entries();
      byte[] buf = new byte[65536];
      while (e.hasMoreElements()) {
        ZipEntry ze = e.nextElement();
        CRC32 crc = new CRC32();
        try (InputStream in = zf.getInputStream(ze)) {
          int n; long size = 0;
          while ((n = in.read(buf)) > 0) { crc.update(buf, 0, n); size += n; }
          if (size != ze.getSize() || crc.getValue() != ze.getCrc()) throw new IOException("bad entry " + ze.getName());
          bytes += size;
        }
        entries++;
      }
    }
    long streamed = 0;
    try (ZipInputStream zin = new ZipInputStream(new BufferedInputStream(new FileInputStream(args[0]), 1 << 20))) {
      byte[] buf = new byte[65536];
      while (zin.getNextEntry() != null) { while (zin.read(buf) > 0) {} streamed++; }
    }
    System.out.println("{\\"zipFile\\":" + entries + ",\\"zipInputStream\\":" + streamed + ",\\"bytes\\":" + bytes + "}");
  }
}
`;

/** Java's ZipFile (central directory, CRC checked here) and ZipInputStream (local headers, data descriptors). */
export function javaZip(file: string, workDir: string): ReaderResult | undefined {
  if (!HAS_JAVA) return undefined;
  const source = path.join(workDir, 'ZipCheck.java');
  if (!fs.existsSync(path.join(workDir, 'ZipCheck.class'))) {
    fs.writeFileSync(source, JAVA_CHECK);
    // compiled once per folder; `java File.java` would compile on every run
    const compiled = HAS_JAVAC ? spawnSync('javac', ['-d', workDir, source], { encoding: 'utf8' }) : undefined;
    if (!compiled || compiled.status !== 0) {
      const r = spawnSync('java', [source, file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`.trim() };
    }
  }
  const r = spawnSync('java', ['-cp', workDir, 'ZipCheck', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`.trim() };
}
