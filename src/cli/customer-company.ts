// `otrs-gi customer-company add`: OTRS's Admin::CustomerCompany::Add, through the same domain rules as
// CustomerCompanyCreate, as the system user; a customer user can be made valid only in an existing company.
import { customerCompanyCreate } from '../domain/CustomerCompany.js';
import { CliError, SYSTEM_USER, configuration, optional, options, required, validIdOption, withStorage, type Output } from './io.js';

export const CUSTOMER_COMPANY_USAGE = [
  'customer-company add --customer-id ID --name NAME [--street S] [--zip Z] [--city C] [--country C] [--url U] [--comment C] [--valid-id 1|2|3]',
];

async function add(args: string[], io: Output): Promise<void> {
  const { values } = options(args, {
    'customer-id': { type: 'string' }, name: { type: 'string' }, street: { type: 'string' }, zip: { type: 'string' }, city: { type: 'string' },
    country: { type: 'string' }, url: { type: 'string' }, comment: { type: 'string' }, 'valid-id': { type: 'string' },
  });
  const customerId = required(values, 'customer-id');
  const given = { CustomerCompanyName: required(values, 'name'), CustomerCompanyStreet: optional(values, 'street'), CustomerCompanyZIP: optional(values, 'zip'),
    CustomerCompanyCity: optional(values, 'city'), CustomerCompanyCountry: optional(values, 'country'), CustomerCompanyURL: optional(values, 'url'),
    CustomerCompanyComment: optional(values, 'comment') };
  const fields = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  const validId = validIdOption(values);
  const config = configuration();
  await withStorage(config, (storage) => storage.transaction((repos) =>
    customerCompanyCreate(repos, { CustomerID: customerId, fields, ValidID: validId }, SYSTEM_USER, config)));
  io.out(`Customer company ${customerId} added.`);
}

export async function customerCompanyCommand(verb: string | undefined, args: string[], io: Output): Promise<void> {
  if (verb === 'add') return add(args, io);
  throw new CliError('unknown command; use customer-company add', 2);
}
