// Provider transports by their OTRS type name (Provider.Transport.Type), as OTRS loads backends by Type string.
// A new transport is a folder under transport/ and one line here.
import type { TransportFactory } from './transport.js';
import { createSoapTransport } from './soap/soap-transport.js';

export const transportTypes: Record<string, TransportFactory> = {
  'HTTP::SOAP': createSoapTransport,
};
