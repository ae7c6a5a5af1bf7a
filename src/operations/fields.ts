// Partial answers and field rights for the record operations (issue 8): `Fields` names the record keys to
// return (like OData's $select), `FieldProperties` 1 adds a FieldProperty entry per field saying whether the
// caller may read and change it and how long it may be; FIELD_RIGHTS limits who may change a field.
import { asList, perlTrue, returnError } from './common.js';
import type { OperationResult, RequestMap, ResponseData, Services } from './operation.js';

export type RecordObject = 'CustomerUser' | 'User';

/** A field an add or update can change: its key in the record, the request parameters that change it, its limit. */
export interface WritableField { Name: string; Params: string[]; MaxLength?: number; WriteOnly?: boolean }

export interface AnswerShape { fields: string[]; properties: boolean }

/** Reads Fields (repeated or comma-separated) and FieldProperties; a malformed one is InvalidParameter. */
export function answerShape(op: string, data: RequestMap): AnswerShape | OperationResult {
  const given = data.Fields === undefined ? [] : asList(data.Fields);
  if (given.some((f) => typeof f !== 'string')) return returnError(op, 'InvalidParameter', 'Parameter Fields is invalid (names of record keys)!');
  const fields = (given as string[]).flatMap((f) => f.split(',')).map((f) => f.trim()).filter(Boolean);
  if (fields.some((f) => !/^[A-Za-z][A-Za-z0-9_]{0,199}$/.test(f))) return returnError(op, 'InvalidParameter', 'Parameter Fields is invalid (names of record keys)!');
  if (data.FieldProperties !== undefined && typeof data.FieldProperties !== 'string') return returnError(op, 'InvalidParameter', 'Parameter FieldProperties is invalid (0 or 1)!');
  return { fields, properties: perlTrue(data.FieldProperties) !== undefined };
}

async function mayChange(s: Services, object: RecordObject, name: string, callerId: number): Promise<boolean> {
  const groups = s.config.fieldRights[`${object}.${name}`];
  return groups === undefined || s.auth.agentHasPermission(callerId, groups);
}

/** The first field sent that the caller may not change, as AccessDenied; null when all may be. */
export async function checkFieldRights(s: Services, op: string, object: RecordObject, data: RequestMap, writable: WritableField[], callerId: number): Promise<OperationResult | null> {
  for (const f of writable) {
    const sent = f.Params.find((p) => data[p] !== undefined);
    if (sent !== undefined && !(await mayChange(s, object, f.Name, callerId))) {
      return returnError(op, 'AccessDenied', `You may not change ${sent} (FIELD_RIGHTS)!`);
    }
  }
  return null;
}

type Rec = { [key: string]: ResponseData };

/** Applies the shape to an answer's Data: records under `key` keep only the asked fields; FieldProperty is added on request. */
export async function shapeAnswer(s: Services, object: RecordObject, shape: AnswerShape, answer: Rec,
  key: string, writable: WritableField[], callerId: number): Promise<Rec> {
  // The usual request asks for neither: the answer goes out as it is, with no copy on the hot path.
  if (shape.fields.length === 0 && !shape.properties) return answer;
  const records = (Array.isArray(answer[key]) ? answer[key] : [answer[key]]) as Rec[];
  const keep = (name: string) => shape.fields.length === 0 || shape.fields.includes(name);
  const shaped: Rec[] = records.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => keep(k))));
  const out: Rec = { ...answer, [key]: Array.isArray(answer[key]) ? shaped : shaped[0] };
  if (shape.properties) {
    const names = new Set([...shaped.flatMap((r) => Object.keys(r)), ...writable.map((f) => f.Name).filter(keep)]);
    out.FieldProperty = await Promise.all([...names].sort().map(async (name) => {
      const w = writable.find((f) => f.Name === name);
      return {
        Name: name,
        Read: w?.WriteOnly ? 0 : 1,
        Write: w && (await mayChange(s, object, name, callerId)) ? 1 : 0,
        ...(w?.MaxLength !== undefined ? { MaxLength: w.MaxLength } : {}),
      };
    }));
  }
  return out;
}
