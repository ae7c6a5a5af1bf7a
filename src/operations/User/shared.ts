// What UserAdd and UserUpdate share: the request fragment of an agent's changeable data (names, the preferences
// OTRS keeps for agents, password, validity, group and role memberships, licence modules) and its translation to the domain's
// change set.
import type { UserChangeSet } from '../../domain/User.js';
import { asList, checkSchema, compileSchema, parseValidID, returnError, stringOrNull } from '../common.js';
import type { OperationResult, RequestMap } from '../operation.js';
import type { WritableField } from '../fields.js';

const name = (max: number) => ({ type: 'string', minLength: 1, maxLength: max });
const names = { type: 'array', items: { type: 'string', minLength: 1, maxLength: 200 } };

/** Schema properties of everything an add or an update may change (after normaliseUserLists). */
export const userChangeProperties = {
  UserTitle: { type: ['string', 'null'], maxLength: 50 },
  UserFirstname: name(100),
  UserLastname: name(100),
  UserEmail: { type: ['string', 'null'], maxLength: 150 },
  UserLanguage: { type: ['string', 'null'], maxLength: 20 },
  UserTimeZone: { type: ['string', 'null'], maxLength: 100 },
  UserComment: { type: ['string', 'null'], maxLength: 250 },
  UserPassword: stringOrNull,
  ValidID: { type: 'string' },
  Group: {
    type: 'array',
    items: {
      type: 'object',
      required: ['Name'],
      properties: { Name: name(200), Permission: { type: 'array', items: { type: 'string' } } },
    },
  },
  RemoveGroup: names,
  MainGroup: { type: ['string', 'null'], maxLength: 200 },
  Role: names,
  RemoveRole: names,
  Licence: names,
  RemoveLicence: names,
};

const gixRequired = compileSchema({
  type: 'object',
  properties: {
    User: {
      type: 'object',
      required: ['UserLogin', 'UserFirstname', 'UserLastname', 'UserEmail', 'ValidID'],
      properties: { UserLogin: {}, UserFirstname: {}, UserLastname: {}, UserEmail: {}, ValidID: {} },
    },
  },
});

/**
 * The GIExtension add-on's form of UserAdd/UserUpdate (contracts §5.3): the agent's fields inside a User
 * structure, its login as UserLogin. Flattened into this server's form (User.UserLogin is Login), so integrations
 * written for the add-on work unchanged; UserAdd then needs the add-on's five fields inside User ("User->UserLogin
 * parameter is missing!"). A field given both inside User and beside it is InvalidParameter. The WSDL does not
 * describe the form: a request part named like the answer's User breaks wrapper-style stubs.
 */
export function unnestUser(op: string, data: RequestMap, adding: boolean): { flat: RequestMap } | { error: OperationResult } {
  const nested = data.User;
  if (nested === undefined) return { flat: data };
  if (nested === null || typeof nested !== 'object' || Array.isArray(nested)) {
    return { error: returnError(op, 'InvalidParameter', 'Parameter User is invalid (must be a structure of agent fields)!') };
  }
  if (adding) {
    const missing = checkSchema(op, gixRequired, data);
    if (missing) return { error: missing };
  }
  const { User: _, ...flat } = data;
  for (const [key, value] of Object.entries(nested)) {
    // A Password inside User is the agent's, never the caller's credential (issue 15).
    const name = key === 'UserLogin' ? 'Login' : key === 'Password' ? 'UserPassword' : key;
    if (flat[name] !== undefined) return { error: returnError(op, 'InvalidParameter', `Parameter ${key} is given both inside User and beside it!`) };
    flat[name] = value;
  }
  return { flat };
}

/** Repeated elements arrive as one element when there is only one (dialect §5.7): make them lists. */
export function normaliseUserLists(data: RequestMap): RequestMap {
  const out: RequestMap = { ...data };
  if (data.Group !== undefined) {
    out.Group = asList(data.Group).map((g) =>
      g !== null && typeof g === 'object' && !Array.isArray(g) ? { ...g, Permission: g.Permission === undefined || g.Permission === null ? [] : asList(g.Permission) } : g);
  }
  for (const key of ['RemoveGroup', 'Role', 'RemoveRole', 'Licence', 'RemoveLicence']) if (data[key] !== undefined) out[key] = asList(data[key]);
  return out;
}

/** Validated request data -> the domain's change set (a malformed ValidID throws InvalidValidID). */
export function toUserChangeSet(d: RequestMap): UserChangeSet {
  const preferences: UserChangeSet['preferences'] = {};
  for (const key of ['UserEmail', 'UserLanguage', 'UserTimeZone', 'UserComment'] as const) {
    if (d[key] !== undefined) preferences[key] = d[key] as string | null;
  }
  return {
    UserTitle: d.UserTitle as string | null | undefined,
    UserFirstname: d.UserFirstname as string | undefined,
    UserLastname: d.UserLastname as string | undefined,
    preferences,
    ValidID: parseValidID(d.ValidID),
    UserPassword: d.UserPassword as string | null | undefined,
    Group: d.Group as UserChangeSet['Group'],
    RemoveGroup: d.RemoveGroup as string[] | undefined,
    MainGroup: d.MainGroup as string | null | undefined,
    Role: d.Role as string[] | undefined,
    RemoveRole: d.RemoveRole as string[] | undefined,
    Licence: d.Licence as string[] | undefined,
    RemoveLicence: d.RemoveLicence as string[] | undefined,
  };
}

/** What an add or an update can change, by record key, for Fields/FieldProperties and FIELD_RIGHTS. */
export const userWritable: WritableField[] = [
  { Name: 'UserLogin', Params: ['Login'], MaxLength: 200 },
  { Name: 'UserTitle', Params: ['UserTitle'], MaxLength: 50 },
  { Name: 'UserFirstname', Params: ['UserFirstname'], MaxLength: 100 },
  { Name: 'UserLastname', Params: ['UserLastname'], MaxLength: 100 },
  { Name: 'UserEmail', Params: ['UserEmail'], MaxLength: 150 },
  { Name: 'UserLanguage', Params: ['UserLanguage'], MaxLength: 20 },
  { Name: 'UserTimeZone', Params: ['UserTimeZone'], MaxLength: 100 },
  { Name: 'UserComment', Params: ['UserComment'], MaxLength: 250 },
  { Name: 'UserPassword', Params: ['UserPassword'], WriteOnly: true },
  { Name: 'ValidID', Params: ['ValidID'] },
  { Name: 'Group', Params: ['Group', 'RemoveGroup'] },
  { Name: 'MainGroup', Params: ['MainGroup'], MaxLength: 200 },
  { Name: 'Role', Params: ['Role', 'RemoveRole'] },
  { Name: 'Licence', Params: ['Licence', 'RemoveLicence'] },
  { Name: 'Deleted', Params: ['Deleted', 'DeletedReason'] },
  { Name: 'WaitingForApproval', Params: ['WaitingForApproval'] },
];
