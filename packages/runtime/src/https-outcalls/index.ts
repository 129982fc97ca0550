// HTTPS outcalls (management canister http_request), answered by the test or made for real.
export {
  HttpsOutcallQueue,
  validateHttpRequest,
  outcomeOf,
  httpRequestArgsFromCandid,
  MAX_CANISTER_HTTP_RESPONSE_BYTES,
  MAX_CANISTER_HTTP_REQUEST_BYTES,
  MAX_CANISTER_HTTP_URL_SIZE,
  MAX_CANISTER_HTTP_HEADER_NUM,
  MAX_CANISTER_HTTP_HEADER_NAME_VALUE_LENGTH,
  MAX_CANISTER_HTTP_HEADER_TOTAL_SIZE,
} from './https-outcall-queue.ts';
export type {
  HttpMethod,
  HttpHeader,
  HttpTransform,
  HttpRequestArgs,
  HttpOutcallRequest,
  HttpOutcall,
  HttpResponseAnswer,
  HttpRejectAnswer,
  HttpOutcallAnswer,
  HttpResponse,
  HttpOutcallOutcome,
  SettledHttpOutcall,
  HttpOutcallHandler,
  HttpsOutcallQueueOptions,
} from './https-outcall-queue.ts';
export { fetchHttpsOutcall } from './fetch-https-outcall.ts';
export type { FetchHttpsOutcallOptions } from './fetch-https-outcall.ts';
