// The caller's own preferences that shape an answer (issue 8.6): the time zone its times are written in.
import type { Storage } from '../storage/database.js';
import { canonicalTimeZone } from '../storage/time.js';
import type { AuthenticatedUser } from './Auth.js';

/**
 * The caller's UserTimeZone preference as a zone name, undefined when it has none. Read for nearly every answer,
 * so a cached value is taken without a unit of work. A customer's preferences are free text
 * (CustomerUserUpdate's UserPreferences): a zone this runtime does not know is ignored, as if unset.
 */
export async function preferredTimeZone(storage: Storage, user: AuthenticatedUser): Promise<string | undefined> {
  const zone = await storage.readCached((caches) => caches.timeZoneOf(user.UserType, user.UserID),
    (repos) => repos.preferences.timeZoneOf(user.UserType, user.UserID));
  return zone ? canonicalTimeZone(zone) : undefined;
}
