import * as fs from 'node:fs';
import * as path from 'node:path';
import { stdin, stdout } from 'node:process';
import * as readline from 'node:readline/promises';
import { Writable } from 'node:stream';
import { scryptHash } from './passwords';
import { ADMIN_GROUP, parseUsersFile, upsertUserLine } from './users-file';

// npm run add-user -- --file users.properties --user bob [--group ADMIN] [--password-stdin]
// Adds or updates one user of a users-credentials.properties file with a scrypt hash (spec 1.2). Reads the
// password from a hidden prompt, or one line of stdin with --password-stdin (for scripts). A CLI entry point:
// it reads its own arguments, not AppConfig.

const USAGE = `usage: npm run add-user -- --file <users.properties> --user <name> [--group ${ADMIN_GROUP}] [--password-stdin]
  --file            users file (created if missing); the server reads it from USERS_FILE
  --user            user name
  --group           group(s), comma-separated; ${ADMIN_GROUP} makes an admin (default ${ADMIN_GROUP})
  --password-stdin  read the password from the first line of stdin instead of a prompt`;

function parseArgs(argv: string[]): { file: string; user: string; groups: string[]; passwordStdin: boolean } {
  const args: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--password-stdin' || a === '--help' || a === '-h') args[a.replace(/^-+/, '')] = true;
    else if (a.startsWith('--') && i + 1 < argv.length) args[a.slice(2)] = argv[++i];
    else throw new Error(`unexpected argument ${a}`);
  }
  if (args.help || args.h) {
    console.log(USAGE);
    process.exit(0);
  }
  const file = args.file, user = args.user;
  if (typeof file !== 'string' || typeof user !== 'string') throw new Error('--file and --user are required');
  if (!/^[^\s=:#!]+$/.test(user)) throw new Error(`invalid user name ${JSON.stringify(user)}: no spaces, '=', ':', '#' or '!'`);
  const groups = String(args.group ?? ADMIN_GROUP).split(',').map((g) => g.trim()).filter(Boolean);
  if (groups.length === 0 || groups.some((g) => !/^[A-Za-z0-9_.-]+$/.test(g))) throw new Error('invalid --group');
  return { file, user, groups, passwordStdin: args['password-stdin'] === true };
}

export async function readPassword(fromStdin: boolean, input: NodeJS.ReadableStream & { isTTY?: boolean } = stdin): Promise<string> {
  if (fromStdin) {
    const chunks: Buffer[] = [];
    for await (const c of input) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
  }
  // without a terminal the prompt would wait on piped input that never answers it (the command ended, silently,
  // having added nobody)
  if (!input.isTTY) throw new Error('no terminal to ask the password on: pipe it in with --password-stdin');
  // a prompt that does not echo what is typed
  let muted = false;
  const output = new Writable({
    write(chunk, _enc, cb) {
      if (!muted) stdout.write(chunk);
      cb();
    },
  });
  const rl = readline.createInterface({ input, output, terminal: true });
  try {
    const ask = async (q: string) => {
      stdout.write(q);
      muted = true;
      const answer = await rl.question('');
      muted = false;
      stdout.write('\n');
      return answer;
    };
    const first = await ask('Password: ');
    const again = await ask('Repeat password: ');
    if (first !== again) throw new Error('the passwords differ');
    return first;
  } finally {
    rl.close();
  }
}

async function main(): Promise<void> {
  const { file, user, groups, passwordStdin } = parseArgs(process.argv.slice(2));
  const password = await readPassword(passwordStdin);
  if (password.length === 0) throw new Error('empty password');
  const target = path.resolve(file);
  const before = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
  const existed = parseUsersFile(before, target).has(user); // also refuses to rewrite a file the server could not read
  const after = upsertUserLine(before, user, groups, scryptHash(password));
  parseUsersFile(after, target);
  // write beside and rename: a crash never leaves a half-written users file
  const tmp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, after, { mode: 0o600 });
  fs.renameSync(tmp, target);
  console.log(`${existed ? 'updated' : 'added'} user ${user} (${groups.join(',')}) in ${target}; restart the server to apply`);
}

if (typeof require !== 'undefined' && require.main === module) {
  main().catch((e: Error) => {
    console.error(`add-user: ${e.message}\n${USAGE}`);
    process.exit(1);
  });
}
