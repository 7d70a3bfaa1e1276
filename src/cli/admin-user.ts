/**
 * npm run admin:user -- add EMAIL      creates a console account (or sets a new password)
 * npm run admin:user -- remove EMAIL   removes it and ends its sessions
 * npm run admin:user -- list           the accounts
 *
 * The password is asked on the terminal, twice, without echo; scripts give ADMIN_PASSWORD.
 * Reads the bot's own settings and storage (DATA_DIR, or REDIS_URL): run it where the bot runs.
 */
import { StaffAuth, StaffError } from '../admin/staff';
import { loadConfig } from '../config';
import { RedisStaffStore, SqliteStaffStore } from '../storage/staff-store';
import { runCommand } from './run-command';
import { askHidden } from './ask-hidden';
import { withBotStorage } from './bot-storage';

const USAGE = `usage: npm run admin:user -- add EMAIL      (asks for the password; ADMIN_PASSWORD for scripts)
       npm run admin:user -- remove EMAIL
       npm run admin:user -- list`;

type Command = { kind: 'add' | 'remove'; email: string } | { kind: 'list' };

function parseArgs(argv: string[]): Command | string {
  const [verb, email, ...rest] = argv;
  if (rest.length > 0) return `too many arguments: ${rest.join(' ')}`;
  if (verb === 'list') return email === undefined ? { kind: 'list' } : 'list takes nothing else';
  if (verb === 'add' || verb === 'remove') return email ? { kind: verb, email } : `${verb} needs an e-mail address`;
  return verb ? `unknown command ${verb}` : 'give a command';
}

async function passwordOf(given: string | undefined): Promise<string> {
  if (given !== undefined) return given;
  if (!process.stdin.isTTY) throw new StaffError('no terminal to ask the password on: set ADMIN_PASSWORD');
  const first = await askHidden('Password: ');
  const again = await askHidden('Password again: ');
  if (first !== again) throw new StaffError('the two passwords differ');
  return first;
}

async function run(command: Command, staff: StaffAuth, adminPassword: string | undefined): Promise<number> {
  if (command.kind === 'list') {
    const accounts = await staff.accounts();
    if (accounts.length === 0) console.log('No console accounts yet. Add one with: npm run admin:user -- add EMAIL');
    for (const a of accounts) console.log(`${a.email}  since ${a.createdAt}`);
    return 0;
  }
  if (command.kind === 'remove') {
    const removed = await staff.remove(command.email);
    console.log(removed ? `Removed ${command.email}; its sessions are ended.` : `No account ${command.email}.`);
    return removed ? 0 : 1;
  }
  const created = await staff.setPassword(command.email, await passwordOf(adminPassword));
  console.log(created ? `Created ${command.email.trim().toLowerCase()}: sign in at /admin.` : `New password set for ${command.email.trim().toLowerCase()}; its sessions are ended.`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const command = parseArgs(argv);
  if (typeof command === 'string') {
    console.error(`${command}\n${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  try {
    return await withBotStorage(config, ({ redis, db }) => run(command, new StaffAuth(redis ? new RedisStaffStore(redis) : new SqliteStaffStore(db)), config.adminPassword));
  } catch (err) {
    if (!(err instanceof StaffError)) throw err;
    console.error(err.message);
    return 1;
  }
}

runCommand(main);
