// `otrs-gi customer-user ...`: OTRS's Admin::CustomerUser::Add (and a password change), through the same domain
// rules as CustomerUserCreate and CustomerUserUpdate, as the system user.
import { customerUserAdd, customerUserUpdate } from '../domain/CustomerUser.js';
import { newPasswordHash } from '../domain/Password.js';
import { CliError, PASSWORD_OPTIONS, SYSTEM_USER, configuration, optional, options, readPassword, required, setPasswordRequest, validIdOption, withStorage, type Output } from './io.js';

export const CUSTOMER_USER_USAGE = [
  'customer-user add --user-name LOGIN --first-name NAME --last-name NAME --email-address ADDRESS --customer-id COMPANY',
  '         [--title T] [--valid-id 1|2|3] [--password-stdin | --no-password]',
  'customer-user set-password LOGIN [--password-stdin]',
];

async function add(args: string[], io: Output): Promise<void> {
  const { values } = options(args, {
    'user-name': { type: 'string' }, 'first-name': { type: 'string' }, 'last-name': { type: 'string' }, 'email-address': { type: 'string' },
    'customer-id': { type: 'string' }, title: { type: 'string' }, 'valid-id': { type: 'string' }, ...PASSWORD_OPTIONS,
  });
  const login = required(values, 'user-name');
  const fields = {
    UserFirstname: required(values, 'first-name'), UserLastname: required(values, 'last-name'),
    UserEmail: required(values, 'email-address'), UserCustomerID: required(values, 'customer-id'),
    ...(optional(values, 'title') ? { UserTitle: optional(values, 'title') } : {}),
  };
  const validId = validIdOption(values);
  const config = configuration();
  const password = await readPassword(values, io);
  await withStorage(config, async (storage, passwords) => {
    const hash = await newPasswordHash(password, passwords);
    await storage.transaction((repos) => customerUserAdd(repos, { UserLogin: login, fields, ValidID: validId, UserPassword: password },
      SYSTEM_USER, config, passwords, hash));
  });
  io.out(`Customer user ${login} added (company ${fields.UserCustomerID}).`);
}

async function setPassword(args: string[], io: Output): Promise<void> {
  const { login, password, config } = await setPasswordRequest(args, io);
  await withStorage(config, async (storage, passwords) => {
    const hash = await newPasswordHash(password, passwords);
    await storage.transaction((repos) => customerUserUpdate(repos, { ID: login, fields: {}, UserPassword: password }, SYSTEM_USER, config, passwords, hash));
  });
  io.out(`Password of customer user ${login} set.`);
}

export async function customerUserCommand(verb: string | undefined, args: string[], io: Output): Promise<void> {
  if (verb === 'add') return add(args, io);
  if (verb === 'set-password') return setPassword(args, io);
  throw new CliError('unknown command; use customer-user add or customer-user set-password', 2);
}
