// Operation types by their OTRS name (the `Type` of an operation in a web service configuration).
import type { OperationClass } from './operation.js';
import { SessionCreate } from './Session/SessionCreate.js';
import { SessionGet } from './Session/SessionGet.js';
import { SessionRemove } from './Session/SessionRemove.js';
import { AccessTokenCreate } from './AccessToken/AccessTokenCreate.js';
import { CustomerUserUpdate } from './CustomerUser/CustomerUserUpdate.js';
import { CustomerUserCreate } from './CustomerUser/CustomerUserCreate.js';
import { CustomerUserGet } from './CustomerUser/CustomerUserGet.js';
import { CustomerUserSearch } from './CustomerUser/CustomerUserSearch.js';
import { CustomerCompanyCreate } from './CustomerCompany/CustomerCompanyCreate.js';
import { CustomerCompanyGet } from './CustomerCompany/CustomerCompanyGet.js';
import { CustomerCompanySearch } from './CustomerCompany/CustomerCompanySearch.js';
import { CustomerCompanyUpdate } from './CustomerCompany/CustomerCompanyUpdate.js';
import { UserAdd } from './User/UserAdd.js';
import { UserGet } from './User/UserGet.js';
import { UserSearch } from './User/UserSearch.js';
import { UserUpdate } from './User/UserUpdate.js';
import { Test } from './Test/Test.js';

export const operationTypes: Record<string, OperationClass> = {
  'Session::SessionCreate': SessionCreate,
  'Session::SessionGet': SessionGet,
  'Session::SessionRemove': SessionRemove,
  'AccessToken::AccessTokenCreate': AccessTokenCreate,
  'CustomerUser::CustomerUserUpdate': CustomerUserUpdate,
  'CustomerUser::CustomerUserCreate': CustomerUserCreate,
  // The add-on's module name, so that web service exports made for it load unchanged.
  'CustomerUser::CustomerUserAdd': CustomerUserCreate,
  'CustomerUser::CustomerUserGet': CustomerUserGet,
  'CustomerUser::CustomerUserSearch': CustomerUserSearch,
  'CustomerCompany::CustomerCompanyCreate': CustomerCompanyCreate,
  'CustomerCompany::CustomerCompanyAdd': CustomerCompanyCreate,
  'CustomerCompany::CustomerCompanyGet': CustomerCompanyGet,
  'CustomerCompany::CustomerCompanySearch': CustomerCompanySearch,
  'CustomerCompany::CustomerCompanyUpdate': CustomerCompanyUpdate,
  'User::UserAdd': UserAdd,
  'User::UserGet': UserGet,
  'User::UserSearch': UserSearch,
  'User::UserUpdate': UserUpdate,
  'Test::Test': Test as unknown as OperationClass,
};
