// The stored state the black-box tests assert, read from the server's database with one query per table: what is
// stored about a customer user (row, preferences, dynamic-field values), a session's data and an access token.
import type { RunningServer } from './server.js';

export interface Preference { preferences_key: string; preferences_value: string }
export interface FieldValue { name: string; value_text: string | null; value_date: string | null; value_int: number | null }

/** Everything stored about one customer user, for "stored as sent" and "changed nothing" checks. */
export interface CustomerUserState {
  /** The customer_user row, plus last_name_hex: the stored bytes of last_name, to tell UTF-8 from double encoding. */
  row: Record<string, any> | undefined;
  /** Ordered by key, then value. */
  preferences: Preference[];
  /** Ordered by field name, then as stored (a multiselect's values in the order sent). */
  fields: FieldValue[];
}

export function customerUserState(server: RunningServer, login: string): CustomerUserState {
  const db = server.db();
  try {
    return {
      row: db.prepare(`SELECT *, ${db.dialect === 'sqlite' ? 'hex(last_name)' : "upper(encode(convert_to(last_name, 'UTF8'), 'hex'))"} AS last_name_hex
          FROM customer_user WHERE login = ?`).get(login) as Record<string, any> | undefined,
      preferences: db.prepare('SELECT preferences_key, preferences_value FROM customer_preferences WHERE user_id = ? ORDER BY preferences_key, preferences_value')
        .all(login) as Preference[],
      fields: db.prepare(`SELECT f.name, v.value_text, v.value_date, v.value_int FROM dynamic_field_value v
           JOIN dynamic_field f ON f.id = v.field_id
           JOIN dynamic_field_obj_id_name o ON o.object_id = v.object_id
          WHERE o.object_name = ? AND o.object_type = 'CustomerUser' ORDER BY f.name, v.id`).all(login) as FieldValue[],
    };
  } finally { db.close(); }
}

/** The dynamic-field values as text fields hold them: { name, value_text } in stored order. */
export const fieldTexts = (state: CustomerUserState) => state.fields.map(({ name, value_text }) => ({ name, value_text }));

/** The stored values of one preference. */
export const preferenceValues = (state: CustomerUserState, key: string) =>
  state.preferences.filter((p) => p.preferences_key === key).map((p) => p.preferences_value);

/** The stored text values of one dynamic field. */
export const fieldValues = (state: CustomerUserState, name: string) => state.fields.filter((f) => f.name === name).map((f) => f.value_text);

/** A session's data as { data_key: data_value }. */
export function sessionData(server: RunningServer, sessionId: string): Record<string, string> {
  const db = server.db();
  try {
    const rows = db.prepare('SELECT data_key, data_value FROM sessions WHERE session_id = ?').all(sessionId) as { data_key: string; data_value: string }[];
    return Object.fromEntries(rows.map((r) => [r.data_key, r.data_value]));
  } finally { db.close(); }
}

/** The access_token row of a token (a JWT), found by its jti claim. */
export function accessTokenRow(server: RunningServer, accessToken: string): Record<string, any> | undefined {
  const claims = JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString('utf8'));
  const db = server.db();
  try {
    return db.prepare('SELECT * FROM access_token WHERE uuid = ?').get(claims.jti) as Record<string, any> | undefined;
  } finally { db.close(); }
}
