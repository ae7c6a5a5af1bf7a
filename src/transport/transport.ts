// The provider transport contract (OTRS Kernel/GenericInterface/Transport): the HTTP request becomes
// { operation, data } or a failure, and a result or an error goes back in the transport's own dialect. The
// provider never sees a protocol detail; a transport never sees an operation's fields. `X` is what the answer
// needs to know about its request (SOAP version, Content-Type, keep-alive), opaque to the provider.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config.js';
import type { RequestData, ResponseMap } from './data.js';

export interface Received<X> { operation: string; data: RequestData; exchange: X }

/** A failure before an operation could run: plain text with an HTTP status, or the transport's error answer (a SOAP Fault). */
export type ReceiveFailure<X> = { plain: { status: number; text: string }; exchange: X } | { fault: string; exchange: X };

export interface ProviderTransport<X = unknown> {
  receive(req: IncomingMessage): Promise<Received<X> | ReceiveFailure<X>>;
  /** A successful operation's data (business errors included: they are data). */
  sendResult(res: ServerResponse, exchange: X, data: ResponseMap): void;
  /** The transport's error answer (OTRS ProviderGenerateResponse with Success 0). */
  sendError(res: ServerResponse, exchange: X, text: string): void;
  sendPlain(res: ServerResponse, exchange: X, status: number, text: string): void;
  /** Serves the transport's own description (WSDL, OpenAPI) when the request asks for it; false otherwise. */
  describe(req: IncomingMessage, res: ServerResponse): boolean;
}

/** What builds a web service's transport: its Provider.Transport.Config, the server settings, and its description if it has one. */
export type TransportFactory = (transportConfig: unknown, config: Config, description: unknown) => ProviderTransport;
