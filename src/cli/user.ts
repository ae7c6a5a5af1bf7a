// `otrs-gi user ...`: OTRS's Admin::User::Add and Admin::User::SetPassword, through the same domain rules as the
// UserAdd and UserUpdate operations (password policy, hashing, e-mail check, licence pool), as the system user.
import { userAdd, userUpdate, type UserChangeSet } from '../domain/User.js';
import { newPasswordHash } from '../domain/Password.js';
import { CliError, PASSWORD_OPTIONS, SYSTEM_USER, configuration, optional, options, readPassword, required, setPasswordRequest, validIdOption, withStorage, type Output } from './io.js';

export const USER_USAGE = [
  'user add --user-name LOGIN --first-name NAME --last-name NAME --email-address ADDRESS',
  '         [--group GROUP[:PERMISSION,...]]... [--role ROLE]... [--title T] [--language de] [--time-zone Europe/Berlin]',
  '         [--valid-id 1|2|3] [--password-stdin | --no-password]      (a bare GROUP is rw, as in OTRS)',
  'user set-password LOGIN [--password-stdin]',
];

/** `--group users:ro,note` -> { Name: 'users', Permission: ['ro', 'note'] }; a bare name gets rw, as OTRS's console gives. */
function parseGroup(spec: string): { Name: string; Permission: string[] } {
  const i = spec.lastIndexOf(':');
  const name = i < 0 ? spec : spec.slice(0, i);
  const keys = i < 0 ? ['rw'] : spec.slice(i + 1).split(',').map((k) => k.trim()).filter(Boolean);
  if (name === '' || keys.length === 0) throw new CliError(`--group ${spec}: give GROUP or GROUP:PERMISSION[,PERMISSION...]`, 2);
  return { Name: name, Permission: keys };
}

async function add(args: string[], io: Output): Promise<void> {
  const { values } = options(args, {
    'user-name': { type: 'string' }, 'first-name': { type: 'string' }, 'last-name': { type: 'string' }, 'email-address': { type: 'string' },
    title: { type: 'string' }, group: { type: 'string', multiple: true }, role: { type: 'string', multiple: true },
    language: { type: 'string' }, 'time-zone': { type: 'string' }, comment: { type: 'string' }, 'valid-id': { type: 'string' },
    ...PASSWORD_OPTIONS,
  });
  const login = required(values, 'user-name');
  const changes: UserChangeSet = {
    UserFirstname: required(values, 'first-name'),
    UserLastname: required(values, 'last-name'),
    UserTitle: optional(values, 'title'),
    preferences: {
      UserEmail: required(values, 'email-address'),
      ...(optional(values, 'language') ? { UserLanguage: optional(values, 'language') } : {}),
      ...(optional(values, 'time-zone') ? { UserTimeZone: optional(values, 'time-zone') } : {}),
      ...(optional(values, 'comment') ? { UserComment: optional(values, 'comment') } : {}),
    },
    Group: ((values.group as string[] | undefined) ?? []).map(parseGroup),
    Role: (values.role as string[] | undefined) ?? [],
  };
  const ValidID = validIdOption(values);
  const config = configuration();
  changes.UserPassword = await readPassword(values, io);
  const id = await withStorage(config, async (storage, passwords) => {
    const hash = await newPasswordHash(changes.UserPassword, passwords);
    return storage.transaction((repos) => userAdd(repos, { ...changes, Login: login, ValidID }, SYSTEM_USER, config, passwords, hash));
  });
  io.out(`Agent ${login} added (UserID ${id}).`);
}

async function setPassword(args: string[], io: Output): Promise<void> {
  const { login, password, config } = await setPasswordRequest(args, io);
  await withStorage(config, async (storage, passwords) => {
    const row = await storage.read((repos) => repos.agents.byLogin(login));
    if (!row || row.id === SYSTEM_USER) throw new CliError(`no agent has the login ${login}`);
    const hash = await newPasswordHash(password, passwords);
    await storage.transaction((repos) => userUpdate(repos, { UserID: row.id, preferences: {}, UserPassword: password, callerMayApprove: false },
      SYSTEM_USER, config, passwords, hash));
  });
  io.out(`Password of agent ${login} set.`);
}

export async function userCommand(verb: string | undefined, args: string[], io: Output): Promise<void> {
  if (verb === 'add') return add(args, io);
  if (verb === 'set-password') return setPassword(args, io);
  throw new CliError('unknown command; use user add or user set-password', 2);
}
