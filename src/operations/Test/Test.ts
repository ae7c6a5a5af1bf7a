// Test::Test, OTRS's echo operation (Kernel/GenericInterface/Operation/Test/Test.pm): returns its input; a true
// TestError makes it fail (Success 0), which the transport turns into a Fault (dialect §9.3). Used by the
// transport conformance tests; not exposed by the default web service.
import { perlTrue } from '../common.js';
import type { Operation, OperationResult, RequestData } from '../operation.js';

export class Test implements Operation {
  async run(data: RequestData): Promise<OperationResult> {
    if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
      const code = perlTrue(data.TestError);
      if (code) return { Success: false, ErrorMessage: `Error message for error code: ${code}`, Data: {} };
      return { Success: true, Data: data as OperationResult['Data'] };
    }
    return { Success: true, Data: {} };
  }
}
