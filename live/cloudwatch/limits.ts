/**
 * CloudWatch publishing limits (docs/spec.md §9 and the PutMetricData API):
 * a call carries at most MAX_DATUMS_PER_CALL datums and MAX_REQUEST_BYTES.
 */

/** Default publishing interval (LIVELENS_CLOUDWATCH_INTERVAL_S). */
export const DEFAULT_CLOUDWATCH_INTERVAL_S = 60;
/** Longest interval accepted (one hour). */
export const MAX_CLOUDWATCH_INTERVAL_S = 3_600;
/** Under this interval, datums are published at high resolution (StorageResolution 1). */
export const HIGH_RESOLUTION_BELOW_S = 60;
/** PutMetricData: datums per call. */
export const MAX_DATUMS_PER_CALL = 1_000;
/** PutMetricData: request size (the API's 1 MB); batches are cut well under it by an estimate per datum. */
export const MAX_REQUEST_BYTES = 1_000_000;
/** Room kept under MAX_REQUEST_BYTES for the envelope and the estimate's error. */
export const REQUEST_BYTES_MARGIN = 50_000;
/** Namespaces CloudWatch accepts: 1–255 characters, no leading colon, none reserved for AWS. */
const NAMESPACE = /^[A-Za-z0-9.\-_/#:]{1,255}$/;

/** Checks a namespace (settings registry): undefined when fine, else what is allowed. */
export function checkCloudWatchNamespace(value: string): string | undefined {
  if (!NAMESPACE.test(value) || value.startsWith(':') || value.startsWith('AWS/')) {
    return 'a CloudWatch namespace: 1-255 of A-Z a-z 0-9 . - _ / # :, not starting with ":" or "AWS/"';
  }
  return undefined;
}
