// The data a GenericInterface request carries and an answer returns, as every transport decodes and encodes it
// (OTRS passes plain Perl hashes between its layers). One neutral home, so the transport, the mappings and the
// operations share the types without casts.

/** Request data as a transport decoded it: strings, null (xsi:nil), maps and lists. */
export type RequestData = string | null | RequestMap | RequestData[];
export interface RequestMap { [name: string]: RequestData }

/** Response data: maps are written with sorted keys, lists by repetition, numbers as text. */
export type ResponseData = string | number | null | undefined | ResponseData[] | ResponseMap;
export interface ResponseMap { [key: string]: ResponseData }
