// Variants of the shipped default web service for tests that need it configured otherwise (strict SOAPAction for the
// OTRS captures, StandardFaults for WSDL-generated clients): the shipped definition, changed, written to a
// temporary file that WEBSERVICE_FILES names. Built from the shipped file so that the variant never drifts from it.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from './server.js';

const shipped = join(projectRoot, 'wsdl', 'GenericTicketConnectorSOAP.webservice.json');

/** The path of a web service file: the shipped default with `change` applied (its WSDL stays the shipped one). */
export function defaultWebserviceVariant(change: (ws: any) => void): string {
  const ws = JSON.parse(readFileSync(shipped, 'utf8'));
  ws.WSDL = join(projectRoot, 'wsdl', ws.WSDL);
  change(ws);
  const file = join(mkdtempSync(join(tmpdir(), 'otrs-gi-ws-')), `${ws.Name}.webservice.json`);
  writeFileSync(file, JSON.stringify(ws, null, 2));
  return file;
}
